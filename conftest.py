"""Skip tests that need a real service when it is not configured."""

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    skips = {}
    if not os.environ.get("REDIS_URL"):
        skips["redis"] = pytest.mark.skip(reason="cần REDIS_URL (Redis thật)")
    if connection.vendor != "postgresql":
        skips["postgres"] = pytest.mark.skip(reason="cần DATABASE_URL trỏ tới PostgreSQL")
    for item in items:
        for marker, skip in skips.items():
            if item.get_closest_marker(marker):
                item.add_marker(skip)
