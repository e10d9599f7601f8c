from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat/", views.export_start, name="dashboard_export"),
    path("xuat/<uuid:job_id>/", views.export_job, name="dashboard_export_job"),
    path("xuat/<uuid:job_id>/trang-thai/", views.export_status, name="dashboard_export_status"),
    path("xuat/<uuid:job_id>/tai-ve/", views.export_download, name="dashboard_export_download"),
    path(
        "co-quan/<int:agency_id>/bao-cao.docx",
        views.agency_report,
        name="dashboard_agency_report",
    ),
]
