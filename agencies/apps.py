from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Cơ quan, lĩnh vực và người dùng")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
