"""A figure's links are the task list's URL of each class under the filters."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from remediation.dashboard.figures import Counts
from remediation.dashboard.presentation import CLASS_PARAMS, Linker


@pytest.mark.parametrize(
    ("filters", "params"),
    [
        ({}, {}),
        ({}, {"co_quan": 7}),
        ({"ngay": datetime.date(2019, 12, 1), "dot": "3"}, {"co_quan": 7}),
        ({"thoi_han": "overdue", "linh_vuc": "2"}, {"linh_vuc": 5, "tieu_chi": 9}),
    ],
)
def test_it_builds_each_class_link_as_the_single_url_would(filters, params):
    linker = Linker(filters)
    figure = linker.figures(Counts(), **params)
    assert figure.links == {
        name: linker.url(thoi_han=value, **params) for name, value in CLASS_PARAMS.items()
    }


def test_it_lets_a_figure_parameter_win_over_the_filter():
    linker = Linker({"linh_vuc": "2", "ngay": datetime.date(2019, 12, 1)})
    link = linker.figures(Counts(), linh_vuc=5).links["overdue"]
    assert sorted(parse_qsl(urlsplit(link).query)) == [
        ("linh_vuc", "5"),
        ("ngay", "01/12/2019"),
        ("thoi_han", "overdue"),
    ]
