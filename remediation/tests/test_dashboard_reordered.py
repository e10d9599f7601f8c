"""The table's order and the ranking of figures derived from others
(``reordered``) are those computed anew from their own rows."""

import dataclasses
import datetime
import random

import pytest

from agencies.models import AgencyKind
from remediation.dashboard import reordered
from remediation.dashboard.figures import Figures
from remediation.dashboard.presentation import ordered_agencies
from remediation.dashboard.ranking import ranking
from remediation.dashboard.rows import AgencyRow, Counts

DAY = datetime.date(2019, 12, 1)


def counts(rng: random.Random) -> Counts:
    return Counts(total=9, completed_on_time=rng.randint(0, 3), overdue=rng.randint(0, 3))


def province(rng: random.Random) -> list[AgencyRow]:
    """Departments, districts and their communes (names that tie), by id."""
    rows = []
    for pk in range(1, 301):
        kind = [AgencyKind.DEPARTMENT, AgencyKind.DISTRICT_PC, AgencyKind.COMMUNE_PC][pk % 3]
        parent = pk - 1 if kind == AgencyKind.COMMUNE_PC else None
        name = f"Cơ quan {rng.randint(1, 40)}"
        rows.append(
            AgencyRow(pk, name, kind, parent, "Huyện" if parent else None, counts(rng), name)
        )
    return rows


def figures(agencies: list[AgencyRow], basis: Figures | None = None) -> Figures:
    return Figures(DAY, Counts(), agencies, [], [], [], [], memo={}, basis=basis)


def derived(basis: Figures, rng: random.Random, share: float) -> Figures:
    """``basis`` with about ``share`` of its agencies counted anew."""
    rows = [
        dataclasses.replace(row, counts=counts(rng)) if rng.random() < share else row
        for row in basis.agencies
    ]
    return figures(rows, basis)


@pytest.mark.parametrize("share", [0.02, 0.5])
@pytest.mark.parametrize("sort", [None, "-ten", "-qua_han"])
def test_it_orders_and_ranks_derived_figures_as_computed_anew(sort, share):
    rng = random.Random(5)
    kept = figures(province(rng))
    reordered.table_lines(kept, sort, "vi")  # the basis's, kept with it
    now = derived(derived(kept, rng, share), rng, share)  # derived twice
    assert reordered.table_lines(now, sort, "vi") == ordered_agencies(now.agencies, sort)
    assert reordered.table_ranking(now) == ranking(now.agencies)


def test_it_takes_the_order_by_name_from_the_basis(monkeypatch):
    rng = random.Random(6)
    kept = figures(province(rng))
    reordered.table_lines(kept, None, "vi")
    reordered.table_ranking(kept)
    now = derived(kept, rng, 0.1)

    def sorted_anew(*args):
        raise AssertionError("sorted anew")

    monkeypatch.setattr(reordered, "ordered_agencies", sorted_anew)
    monkeypatch.setattr(reordered, "ranked", sorted_anew)
    lines = reordered.table_lines(now, None, "vi")
    assert lines == ordered_agencies(now.agencies, None)
    assert reordered.table_ranking(now) == ranking(now.agencies)


def test_it_orders_anew_when_an_agency_was_added_or_left():
    rng = random.Random(7)
    kept = figures(province(rng))
    reordered.table_lines(kept, None, "vi")
    fewer = figures(kept.agencies[1:], kept)
    assert reordered.table_lines(fewer, None, "vi") == ordered_agencies(fewer.agencies, None)
    assert reordered.table_ranking(fewer) == ranking(fewer.agencies)


def test_figures_that_are_their_own_root_are_not_kept_in_a_cycle():
    kept = figures(province(random.Random(5)))
    other = figures(kept.agencies[1:], basis=kept)  # an agency fewer: not alike

    for each in (kept, other):
        assert reordered.alike_root(each) is each
        assert all(value is not each for value in each.memo.values())  # no cycle
