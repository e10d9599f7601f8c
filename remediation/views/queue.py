"""What waits for me (Chờ xử lý)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import selectors
from ..models import ExtensionRequest, ExtensionState, RemediationReport, ReportState

QUEUE_PER_PAGE = 50
WAITING_REPORTS = (ReportState.AWAITING_APPROVAL, ReportState.SUBMITTED)


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    tasks = selectors.review_queue_for_user(user=request.user).prefetch_related(
        # What each row waits on, in one query each for the whole page.
        Prefetch(
            "reports",
            queryset=RemediationReport.objects.filter(state__in=WAITING_REPORTS)
            .select_related("submitted_by")
            .order_by("-version"),
            to_attr="waiting_reports",
        ),
        Prefetch(
            "extensions",
            queryset=ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related(
                "requested_by"
            ),
            to_attr="pending_extensions",
        ),
    )
    page = Paginator(tasks.order_by("effective_due_date", "pk"), QUEUE_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "remediation/queue.html",
        {
            "tasks": page.object_list,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )
