"""Evidence downloads: the only way evidence files leave the server."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from .. import selectors
from ..evidence import content_type
from .access import GET


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    # Scope first: evidence of a task the user may not see is a 404 on any method.
    evidence = get_object_or_404(selectors.evidence_for_user(user=request.user), pk=pk)
    if request.method not in GET:
        return HttpResponseNotAllowed(["GET"])
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=content_type(evidence.kind),
    )
    # Never rendered by the browser, whatever the bytes say; never cached by a proxy.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
