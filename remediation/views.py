from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def home(request):
    tasks = selectors.task_list_for_user(user=request.user)
    return render(request, "remediation/home.html", {"tasks": tasks})
