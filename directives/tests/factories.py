import datetime

import factory
from factory.django import DjangoModelFactory

from directives.models import Directive, document_type_for


class DirectiveFactory(DjangoModelFactory):
    """An administrative document ``N/TB-UBND``; ``normative=True`` gives ``N/YYYY/QĐ-TTg`` forms."""

    class Meta:
        model = Directive

    class Params:
        normative = False

    number = factory.Sequence(lambda n: n + 1)
    issue_date = datetime.date(2019, 6, 18)
    year = factory.LazyAttribute(lambda d: d.issue_date.year)
    type_code = "TB"
    issuer_code = "UBND"
    doc_type = factory.LazyAttribute(lambda d: document_type_for(d.type_code))
    symbol = factory.LazyAttribute(
        lambda d: (
            f"{d.number}/{d.year}/{d.type_code}-{d.issuer_code}"
            if d.normative
            else f"{d.number}/{d.type_code}-{d.issuer_code}"
        )
    )
    issuer_name = "UBND tỉnh Tuyên Quang"
    title = factory.Sequence(lambda n: f"Văn bản chỉ đạo thử nghiệm {n}")
