from django.conf import settings
from django.utils.module_loading import import_string

from .engine import Importer


def importer_class(kind: str) -> type[Importer]:
    """The importer for a kind, from settings.IMPORTERS (keeps this app free of
    imports from the domain apps that use it)."""
    return import_string(settings.IMPORTERS[kind])
