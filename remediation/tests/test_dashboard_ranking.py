"""The ranking's best and last ten are those of the full ranking, numbered alike."""

import random

from remediation.dashboard.figures import AgencyRow, Counts
from remediation.dashboard.presentation import ranked_agencies, ranking


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
