"""Progress of background imports, kept in the cache that web and worker share
(Redis, or files under var/ on the embedded defaults): the import itself runs
in one transaction, so rows written to the database would not show until the
end."""

from django.core.cache import cache

TIMEOUT = 6 * 3600


def _key(job_id) -> str:
    return f"import-progress:{job_id}"


def progress_set(job_id, *, phase: str, done: int, total: int) -> None:
    cache.set(_key(job_id), {"phase": phase, "done": done, "total": total}, TIMEOUT)


def progress_get(job_id) -> dict:
    return cache.get(_key(job_id)) or {"phase": "queued", "done": 0, "total": 0}


def percent(progress: dict) -> int:
    """0-100 for the bar: rows handled out of the sheet's rows."""
    if progress["phase"] == "done":
        return 100
    if not progress["total"]:
        return 0 if progress["phase"] == "queued" else 2
    return min(99, 2 + int(97 * progress["done"] / progress["total"]))
