"""The one scope rule: who sees which tasks (``visible_agency_ids`` and
``tasks_visible_to``)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import AgencyKind, Role
from agencies.tests.factories import AgencyFactory, UserFactory
from remediation.selectors import tasks_visible_to, visible_agency_ids
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A province with a department, a monitoring department (justice), and a
    district with two communes, beside another district."""
    province = AgencyFactory(code="T", name="UBND tỉnh", kind=AgencyKind.PROVINCIAL_PC)
    district = AgencyFactory(code="H1", kind=AgencyKind.DISTRICT_PC, parent=province)
    return SimpleNamespace(
        province=province,
        department=AgencyFactory(code="STNMT", parent=province),
        justice=AgencyFactory(code="STP", name="Sở Tư pháp", parent=province),
        district=district,
        communes=[
            AgencyFactory(code=f"H1-X{n}", kind=AgencyKind.COMMUNE_PC, parent=district)
            for n in (1, 2)
        ],
        other_district=AgencyFactory(code="H2", kind=AgencyKind.DISTRICT_PC, parent=province),
    )


def task(lead, monitor=None, supporting=()):
    created = RemediationTaskFactory(finding__agency=lead, monitoring_agency=monitor)
    created.supporting_agencies.set(supporting)
    return created


def seen(user):
    return set(tasks_visible_to(user=user))


def test_it_shows_an_officer_the_tasks_their_agency_leads(tree):
    led, other = task(tree.department), task(tree.district)
    assert seen(UserFactory(agency=tree.department)) == {led}
    assert other not in seen(UserFactory(agency=tree.department))


def test_it_shows_the_tasks_an_agency_supports(tree):
    supported = task(tree.district, supporting=[tree.department])
    assert seen(UserFactory(agency=tree.department)) == {supported}


def test_it_shows_a_monitoring_department_what_it_monitors(tree):
    monitored = [
        task(tree.department, monitor=tree.justice),
        task(tree.communes[0], monitor=tree.justice),
    ]
    task(tree.district)
    monitor = UserFactory(agency=tree.justice, role=Role.MONITOR)
    assert seen(monitor) == set(monitored)


def test_it_shows_a_district_the_tasks_of_its_communes(tree):
    own, commune_task = task(tree.district), task(tree.communes[1])
    task(tree.other_district)
    supported_by_commune = task(tree.department, supporting=[tree.communes[0]])
    district_officer = UserFactory(agency=tree.district)
    assert seen(district_officer) == {own, commune_task, supported_by_commune}


def test_it_does_not_show_a_commune_its_districts_tasks(tree):
    task(tree.district)
    sibling = task(tree.communes[1])
    assert seen(UserFactory(agency=tree.communes[0])) == set()
    assert visible_agency_ids(user=UserFactory(agency=tree.communes[0])) == [tree.communes[0].pk]
    assert sibling not in seen(UserFactory(agency=tree.communes[0]))


def test_it_lists_a_task_once_when_an_agency_holds_several_roles(tree):
    both = task(tree.district, monitor=tree.justice, supporting=[tree.justice])
    assert list(tasks_visible_to(user=UserFactory(agency=tree.justice))) == [both]
    # The district leads one task and its commune supports it: still once.
    again = task(tree.district, supporting=[tree.communes[0]])
    assert list(tasks_visible_to(user=UserFactory(agency=tree.district)).filter(pk=again.pk)) == [
        again
    ]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_it_shows_home_affairs_and_administrators_everything(tree, role):
    tasks = {task(tree.department), task(tree.district), task(tree.communes[0])}
    user = UserFactory(agency=None, role=role)
    assert visible_agency_ids(user=user) is None
    assert seen(user) == tasks


def test_it_shows_a_superuser_everything(tree):
    everything = {task(tree.department)}
    assert seen(UserFactory(agency=None, is_superuser=True)) == everything


def test_it_shows_a_user_without_an_agency_nothing(tree):
    task(tree.department)
    user = UserFactory(agency=None, role=Role.OFFICER)
    assert visible_agency_ids(user=user) == []
    assert seen(user) == set()


def test_it_shows_anonymous_and_inactive_users_nothing(tree):
    task(tree.department)
    assert seen(AnonymousUser()) == set()
    assert seen(UserFactory(agency=tree.department, is_active=False)) == set()


def test_it_reads_the_subtree_once_per_level_and_caches_it(tree, django_assert_num_queries):
    user = UserFactory(agency=tree.district)
    with django_assert_num_queries(2):  # the communes, then their (absent) children
        assert set(visible_agency_ids(user=user)) == {
            tree.district.pk,
            *(c.pk for c in tree.communes),
        }
    with django_assert_num_queries(0):
        visible_agency_ids(user=user)


def test_its_parts_are_disjoint_and_together_the_visible_tasks(tree):
    from remediation.models import RemediationTask
    from remediation.selectors import task_parts_visible_to

    mine = [tree.district, *tree.communes]
    task(tree.district, monitor=tree.communes[0], supporting=[tree.communes[1]])  # all three
    task(tree.department, monitor=tree.district, supporting=mine)  # monitored and supported
    task(tree.department, monitor=None, supporting=mine)  # supported twice, no monitor
    task(tree.department, monitor=tree.communes[1])
    task(tree.other_district, monitor=tree.justice)  # not theirs
    user = UserFactory(agency=tree.district, role=Role.OFFICER)
    parts = [list(part.values_list("pk", flat=True)) for part in task_parts_visible_to(user=user)]
    together = [pk for part in parts for pk in part]
    assert len(together) == len(set(together)) == 4  # each task in one part only
    assert set(together) == set(tasks_visible_to(user=user).values_list("pk", flat=True))
    assert RemediationTask.objects.count() == 5
