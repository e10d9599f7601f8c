import factory
from factory.django import DjangoModelFactory, Password

from agencies.models import Agency, AgencyKind, Criterion, ReformArea, Role, User

DEMO_PASSWORD = "demo12345"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"CQ{n:04d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = "An"
    last_name = "Nguyễn Văn"
    agency = factory.SubFactory(AgencyFactory)
    role = Role.OFFICER
    password = Password(DEMO_PASSWORD)


class ReformAreaFactory(DjangoModelFactory):
    """Codes TLV1, TLV2… never meet the migrated LV1..LV8; ``code="LV1"`` fetches that one."""

    class Meta:
        model = ReformArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TLV{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")
    order = factory.Sequence(lambda n: 100 + n)
    monitoring_agency = None


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    area = factory.SubFactory(ReformAreaFactory)
    year = 2019
    code = factory.Sequence(lambda n: f"TC{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí thử nghiệm {n}")
