import datetime

import pytest
from django.utils import formats, timezone, translation


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_shows_date_times_date_first_in_local_time(language):
    moment = datetime.datetime(
        2026, 11, 26, 23, 41, tzinfo=datetime.UTC
    )  # 06:41 on 27/11 in Vietnam
    with translation.override(language):
        shown = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    assert shown == "27/11/2026 06:41"
