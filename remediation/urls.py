from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
]
