from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import selectors

TASKS_PER_PAGE = 50


@login_required
def home(request):
    tasks = selectors.task_list_for_user(user=request.user)
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("trang"))
    return render(request, "remediation/home.html", {"tasks": page.object_list, "page": page})


@login_required
def task_detail(request, pk: int):
    task = get_object_or_404(selectors.task_detail_for_user(user=request.user), pk=pk)
    return render(request, "remediation/task_detail.html", {"task": task})
