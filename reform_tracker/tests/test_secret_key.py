import pytest
from django.core.exceptions import ImproperlyConfigured

from agencies.checks import secret_key_is_set
from reform_tracker.security import refuse_insecure_key


def test_it_warns_without_a_secret_key(settings):
    settings.DEBUG, settings.SECRET_KEY = False, settings.INSECURE_SECRET_KEY
    assert [w.id for w in secret_key_is_set(None)] == ["reform_tracker.W001"]


def test_it_refuses_to_serve_without_a_secret_key(settings):
    settings.DEBUG, settings.SECRET_KEY = False, settings.INSECURE_SECRET_KEY
    with pytest.raises(ImproperlyConfigured):
        refuse_insecure_key()


def test_it_serves_with_a_secret_key(settings):
    settings.DEBUG, settings.SECRET_KEY = False, "a-real-key"
    refuse_insecure_key()
    assert secret_key_is_set(None) == []


def test_it_serves_in_development_without_one(settings):
    settings.DEBUG, settings.SECRET_KEY = True, settings.INSECURE_SECRET_KEY
    refuse_insecure_key()
