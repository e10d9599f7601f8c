"""The ranking's best and last ten are those of the full ranking, numbered
alike, also when derived from another's after a few rows changed."""

import dataclasses
import random

import pytest

from remediation.dashboard.figures import AgencyRow, Counts
from remediation.dashboard.ranking import ranked, ranked_after, ranked_agencies, ranking


def rows(n, seed=7):
    rng = random.Random(seed)
    return [
        AgencyRow(
            pk,
            f"Cơ quan {rng.randint(1, 9)}",  # names repeat: ties go to the counts
            "so",
            None,
            None,
            Counts(total=9, completed_on_time=rng.randint(0, 3), overdue=rng.randint(0, 3)),
        )
        for pk in range(n)
    ]


def test_it_numbers_the_best_and_the_last_as_the_full_ranking_does():
    agencies = rows(500)
    full = list(enumerate(ranked_agencies(agencies), start=1))
    best, worst = ranking(agencies)
    assert [(n, r.id) for n, r in best] == [(n, r.id) for n, r in full[:10]]
    assert [(n, r.id) for n, r in worst] == [(n, r.id) for n, r in full[-10:]]


def test_it_lists_everyone_once_when_there_are_few():
    agencies = rows(15)
    best, worst = ranking(agencies)
    assert worst == []
    assert [r.id for _n, r in best] == [r.id for r in ranked_agencies(agencies)]


def test_it_leaves_out_agencies_with_no_outcome_yet():
    agencies = rows(3)
    agencies[0].counts = Counts(total=4, in_time=4)
    assert 0 not in [r.id for _n, r in ranking(agencies)[0]]


def changed(agencies, share, seed):
    """``agencies`` with about ``share`` of them counted anew (some left with
    no outcome, some with a first one), and each pair (then, now)."""
    rng = random.Random(seed)
    now, pairs = list(agencies), []
    for i, row in enumerate(agencies):
        if rng.random() < share:
            counts = Counts(total=9, completed_on_time=rng.randint(0, 3), overdue=rng.randint(0, 3))
            now[i] = dataclasses.replace(row, counts=counts)
            pairs.append((row, now[i]))
    return now, pairs


@pytest.mark.parametrize(
    ("size", "share"), [(500, 0.01), (500, 0.2), (500, 0.9), (60, 0.3), (15, 0.5)]
)
def test_it_derives_the_ranking_after_changes_as_if_ranked_anew(size, share):
    basis = ranked(rows(size))
    agencies = rows(size)
    for step in range(3):  # each derived from the last
        agencies, pairs = changed(agencies, share, seed=step)
        derived = ranked_after(basis, pairs)
        assert derived.decided == len(ranked_agencies(agencies))
        answer = derived.ranking()
        if answer is not None:  # None: too few candidates left to tell
            assert answer == ranking(agencies), step
        basis = derived


def test_it_says_when_too_many_candidates_changed_to_tell():
    agencies = rows(500)
    basis = ranked(agencies)
    first = {row.id for _key, row in basis.best}
    pairs = [
        (row, dataclasses.replace(row, counts=Counts(total=1, in_time=1)))
        for row in agencies
        if row.id in first
    ]
    assert ranked_after(basis, pairs).ranking() is None
