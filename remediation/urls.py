from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.report, name="task_report"),
    path("nhiem-vu/<int:pk>/phe-duyet/", views.approve, name="task_approve"),
    path("nhiem-vu/<int:pk>/xem-xet/", views.review, name="task_review"),
    path("nhiem-vu/<int:pk>/y-kien/", views.task_comment_view, name="task_comment"),
    path("nhiem-vu/<int:pk>/gia-han/", views.extension_request, name="task_extension"),
    path(
        "nhiem-vu/<int:pk>/gia-han/<int:ext>/quyet-dinh/",
        views.extension_decision,
        name="task_extension_decide",
    ),
    path("nhiem-vu/<int:pk>/phan-cong/", views.reassign, name="task_reassign"),
    path("tai-lieu/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("cho-xu-ly/", views.review_queue, name="review_queue"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_mark_read, name="notifications_mark_read"),
    # The dashboard and the synthesis reports (issue 8).
    path("tong-hop/", include("remediation.dashboard.urls")),
]
