import gc

import pytest

from reform_tracker.memory import collection_paused


@pytest.fixture(autouse=True)
def _restore_gc():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()


def test_it_pauses_the_collector_inside_the_block_only():
    gc.enable()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_enables_the_collector_again_after_an_error():
    gc.enable()
    with pytest.raises(ValueError), collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_it_leaves_a_paused_collector_paused():
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()
