"""In-app notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from .. import selectors
from ..forms import MarkReadForm
from ..services import notification_mark_read

NOTIFICATIONS_PER_PAGE = 30


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_for_user(user=request.user)
    page = Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "remediation/notifications.html",
        {
            "notifications": page.object_list,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the given notifications (all when none is given) as read, then
    go on to ``next`` when it is a page of this site: opening a notification
    from the list marks it read on the way to its task."""
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        return redirect("notifications")
    ids = form.cleaned_data["id"] or None
    # Only the user's own rows are touched: another user's id changes nothing.
    notification_mark_read(user=request.user, ids=ids)
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications")
