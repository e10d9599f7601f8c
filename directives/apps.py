from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = pgettext_lazy("plural", "Văn bản chỉ đạo")
