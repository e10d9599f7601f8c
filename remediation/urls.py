from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    # The dashboard and the synthesis reports (issue 8).
    path("tong-hop/", include("remediation.dashboard.urls")),
]
