"""Demo periodic reporting: the quarterly CCHC reports of 2019 that 57/TB-UBND
asks the inspected agencies to send on time ("Thực hiện nghiêm túc chế độ
thông tin, báo cáo định kỳ"). Kept apart from ``demo.py``; idempotent.

The tasks themselves are created by the daily beat job, or by hand:
``manage.py create_report_tasks --as-of 01/12/2019`` (the 2019 annual report).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from agencies.models import Agency
from directives.models import Directive

from .demo import INSPECTED
from .models import ReportingFrequency, ReportingObligation

TITLE = "Báo cáo kết quả thực hiện công tác CCHC"


@transaction.atomic
def load_demo_reporting() -> int:
    """Create or restore the demo obligation; the number of obligations."""
    directive = Directive.objects.get(number=57, type_code="TB", issuer_code="UBND", year=2019)
    values = {
        "directive": directive,
        "frequency": ReportingFrequency.QUARTER,
        "q3_cumulative": False,
        "due_day": 20,
        "cutoff_day": 14,
        "lead_days": 30,
        "ends_on": datetime.date(2019, 12, 31),
        "is_active": True,
    }
    obligation = ReportingObligation.objects.filter(
        title=TITLE, starts_on=datetime.date(2019, 1, 1)
    ).first()
    if obligation is None:
        obligation = ReportingObligation.objects.create(
            title=TITLE, starts_on=datetime.date(2019, 1, 1), **values
        )
    elif any(getattr(obligation, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(obligation, key, value)
        obligation.save()
    agencies = set(Agency.objects.filter(code__in=INSPECTED).values_list("pk", flat=True))
    if set(obligation.agencies.values_list("pk", flat=True)) != agencies:
        obligation.agencies.set(agencies)
    return 1
