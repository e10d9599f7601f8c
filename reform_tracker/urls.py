from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from reform_tracker.health import healthz
from reform_tracker.throttling import AdminLoginForm, LoginForm

admin.site.site_header = _("Theo dõi khắc phục tồn tại, hạn chế CCHC")
admin.site.site_title = _("Quản trị CCHC")
admin.site.index_title = _("Quản trị hệ thống")
# Both login forms name a throttled login's lock (reform_tracker.throttling).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("", include("remediation.urls")),
]
# Nothing under MEDIA_URL is served by the application: evidence is served
# only by its view, which checks the user's scope on the task.
