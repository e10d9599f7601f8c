"""Login throttling with django-axes: the login forms that say, in Vietnamese,
why a login is refused, and the hooks named in settings (AXES_*)."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext


def lockout_message() -> str:
    return gettext(
        "Đăng nhập sai quá %(limit)s lần: tên đăng nhập này bị tạm khóa đăng nhập từ "
        "máy của bạn trong %(minutes)s phút. Vui lòng thử lại sau."
    ) % {"limit": settings.LOGIN_FAILURE_LIMIT, "minutes": settings.LOGIN_LOCKOUT_MINUTES}


class LockoutMessageMixin:
    """Axes flags the request when it refuses a login (or when this failure
    reaches the limit); the form then names the lock instead of a wrong
    password, which would be false for a right password refused."""

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: keep the login page just rendered (it carries
    the message), answered as 429 Too Many Requests."""
    if not isinstance(original_response, HttpResponse):
        return HttpResponse(lockout_message(), status=429)
    original_response.status_code = 429
    return original_response


def client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE. Behind REVERSE_PROXY_COUNT proxies the client
    is the entry that many from the right of X-Forwarded-For: the entries to
    its left come from the client and can be forged."""
    count = settings.REVERSE_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
