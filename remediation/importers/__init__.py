"""Import of inspection findings, each with its remediation task."""

from .findings import FindingImporter

__all__ = ["FindingImporter"]
