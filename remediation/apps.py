from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from .search import register_sqlite_function


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = _("Kiểm tra và khắc phục")

    def ready(self) -> None:
        connection_created.connect(register_sqlite_function)
