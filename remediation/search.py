"""Text search that ignores case, tone marks and Unicode form: "khac phuc",
"KHẮC PHỤC" and a decomposed "khắc phục" (NFD, as macOS types it) all find
"khắc phục".

One rule, ``search_key``: Vietnamese letters map to their base Latin letter
(đ to d), capitals to small letters, combining marks are dropped, line
breaks, tabs and no-break spaces are spaces, and spaces run together are
one. It is a plain character map, the same in Python and in the database's
``rt_search_key`` (PostgreSQL's ``translate``, which does not depend on the
server's locale or on the unaccent extension; on SQLite, ``search_key``
itself, registered on each connection). A term is keyed in Python and
compared with the stored text keyed in the database.

The keys are stored: ``RemediationTask.title_key`` and
``Finding.description_key`` are generated columns, so that a search compares
plain text (``translate`` costs 13 µs a row: a million rows tested through it
took 13 s). On PostgreSQL they are indexed with trigrams (pg_trgm, a
trusted extension since PostgreSQL 13): a search reads the matching rows,
not a million tasks. Changing the map needs a migration that installs the
function again and rewrites the keys.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Func, TextField

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_LETTER_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn


def _vietnamese_letters() -> str:
    """Every precomposed Vietnamese letter, small and capital, that is not
    plain ASCII."""
    small = [
        unicodedata.normalize("NFC", base + tone)
        for base in "aăâeêioôơuưy"
        for tone in ["", *_TONES]
    ] + ["đ"]
    return "".join(c for c in small + [c.upper() for c in small] if not c.isascii())


def _base(letter: str) -> str:
    return "d" if letter in "đĐ" else unicodedata.normalize("NFD", letter)[0].lower()


# A finding's text has line breaks; a pasted one, no-break spaces.
_SPACES = "\t\n\r\u00a0\u202f"
_LETTERS = _vietnamese_letters() + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + _SPACES
_BASES = "".join(_base(letter) for letter in _LETTERS[: -len(_SPACES)]) + " " * len(_SPACES)
_DROPPED = _TONES + _LETTER_MARKS
_MAP = str.maketrans(_LETTERS, _BASES, _DROPPED)
_RUN = re.compile(" {2,}")

FUNCTION = "rt_search_key"
# PostgreSQL's ``translate`` looks for each character of the text in the
# list it maps from, in order: a small ASCII letter, the commonest, is in no
# mapping and was compared with all of it (19 µs a title; an import of
# 100,000 findings spent 4 s in the two keys). Mapped to itself first, in
# about the order of their frequency in Vietnamese: a third of the time,
# the same keys (a migration installs the function again; nothing is
# rewritten).
_KEPT = " nhticgaouemlyrdbvskpqxfjwz0123456789"


def search_key(text: str | None) -> str | None:
    """``text`` without case, tone marks or letter marks, one space between
    words (None stays None, as SQL's NULL)."""
    if text is None:
        return None
    return _RUN.sub(" ", str(text).translate(_MAP)).strip(" ")


class SearchKey(Func):
    """``search_key`` of an expression, in the database."""

    function = FUNCTION
    output_field = TextField()


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite has no ``rt_search_key`` of
    its own, and its generated columns call it on every write of a task or
    a finding."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, search_key, deterministic=True)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


TASK = "remediation_remediationtask"
FINDING = "remediation_finding"
FUNCTION_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # IMMUTABLE: a generated column may call it.
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT btrim(regexp_replace(
        translate($1, {_quoted(_KEPT + _LETTERS + _DROPPED)}, {_quoted(_KEPT + _BASES)}),
        ' {{2,}}', ' ', 'g'
    ), ' ') $$
    """,
]
INDEX_SQL = [
    f"CREATE INDEX IF NOT EXISTS task_title_search ON {TASK} USING gin (title_key gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS finding_description_search ON {FINDING} "
    "USING gin (description_key gin_trgm_ops)",
    # The start of a code in any case (``code__istartswith``: UPPER … LIKE
    # 'KT2019%'), which only a pattern operator class serves.
    f"CREATE INDEX IF NOT EXISTS finding_code_prefix ON {FINDING} "
    "(upper(code::text) text_pattern_ops)",
]


def install_function(schema_editor) -> None:
    """Before the generated columns that call it (PostgreSQL; SQLite's is
    ``register_sqlite_function``)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in FUNCTION_SQL:
            schema_editor.execute(statement)


def uninstall_function(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


def install_indexes(schema_editor) -> None:
    """Trigram indexes of the keys, for LIKE '%…%', and the codes' prefix
    index (PostgreSQL only)."""
    if schema_editor.connection.vendor == "postgresql":
        for statement in INDEX_SQL:
            schema_editor.execute(statement)


def uninstall_indexes(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS task_title_search")
        schema_editor.execute("DROP INDEX IF EXISTS finding_description_search")
        schema_editor.execute("DROP INDEX IF EXISTS finding_code_prefix")
