"""The README's table of environment variables names every variable the
settings read, so none is a secret known only to the code."""

import ast
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
# settings.py's helpers whose first argument is a variable's name.
READERS = {"env_bool", "env_list", "env_proxy_ssl_header"}


def variables_read(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            name, func = node.args[0], node.func
            reads = (isinstance(func, ast.Name) and func.id in READERS) or (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and ast.unparse(func.value) == "os.environ"
            )
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            name, reads = node.slice, True
        else:
            continue
        if reads and isinstance(name, ast.Constant) and isinstance(name.value, str):
            names.add(name.value)
    return names


def variables_documented(readme: str) -> set[str]:
    section = readme.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def test_it_documents_every_variable_the_settings_read():
    read = variables_read((BASE / "reform_tracker" / "settings.py").read_text())
    documented = variables_documented((BASE / "README.md").read_text())

    assert {"DATABASE_URL", "DEBUG", "IMPORT_MAX_CELLS"} <= read  # the reader sees them
    assert read - documented == set()


def test_it_documents_every_import_setting():
    imports = {name for name in dir(settings) if name.startswith("IMPORT_")}
    documented = variables_documented((BASE / "README.md").read_text())

    assert "IMPORT_PREVIEW_SAMPLE_ROWS" in imports
    # IMPORT_EXPORT_*: django-import-export's own settings, not ours.
    assert {n for n in imports if not n.startswith("IMPORT_EXPORT_")} - documented == set()
