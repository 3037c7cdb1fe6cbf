"""The operator docs cannot drift from the code.

- Every environment variable `config/settings.py` reads is a row of the README's configuration
  table, and every row names a variable the settings read.
- Every `make <target>` and `hearth <command>` the operator docs mention exists.
"""

import ast
import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = ROOT / "config" / "settings.py"
README = ROOT / "README.md"
OPERATOR_DOCS = [
    README,
    ROOT / "docs" / "operations.md",
    *sorted((ROOT / "docs" / "operators").glob("*.md")),
]

# Read from the environment, but not by Hearth's settings: Django's and pytest's own.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def _reads_environment(call: ast.Call) -> bool:
    """`env(...)`, `env.str(...)` (any cast), `os.getenv(...)` or `os.environ.get(...)`."""
    func = ast.unparse(call.func)
    return func == "env" or func.startswith("env.") or func in {"os.getenv", "os.environ.get"}


def settings_env_names() -> set[str]:
    """The first (string) argument of every environment read, and `os.environ["NAME"]`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if isinstance(node, ast.Call) and node.args and _reads_environment(node):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        if (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return names - NOT_SETTINGS


def readme_table_names() -> set[str]:
    """Backticked names in the first column of the table under "## Configuration"."""
    section = README.read_text().split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_settings_reads_the_variables_this_test_can_see() -> None:
    # A guard for the parser itself: if it found nothing, the next test would pass vacuously.
    names = settings_env_names()
    assert {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "HEARTH_EMAIL_FROM"} <= names
    assert len(names) > 30


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    missing = settings_env_names() - readme_table_names()
    assert not missing, f"config/settings.py reads these, README's table lacks them: {missing}"


def test_the_readme_configuration_table_lists_only_real_settings() -> None:
    stale = readme_table_names() - settings_env_names()
    assert not stale, f"README's table lists variables config/settings.py never reads: {stale}"


def _code(text: str) -> str:
    """The code in a Markdown text: fenced blocks and `inline spans`."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S))
    return "\n".join([*fenced, *inline])


def test_the_make_targets_the_docs_mention_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, flags=re.MULTILINE))
    for doc in OPERATOR_DOCS:
        mentioned = set(re.findall(r"\bmake ([a-z][a-z0-9-]*)", _code(doc.read_text())))
        unknown = mentioned - targets
        assert not unknown, f"{doc.name} mentions make targets the Makefile lacks: {unknown}"


# `hearth NAME` where a command starts: a line or code span, after a path, `&&`, `;` or `|`.
HEARTH_COMMAND = r"(?:^|/|&& |; |\| )hearth ([a-z][a-z0-9_-]*)(?=\s|$)"


def test_the_hearth_commands_the_docs_mention_exist() -> None:
    commands = {*get_commands(), "help"}  # `hearth help` is the command line's own
    for doc in OPERATOR_DOCS:
        mentioned = set(re.findall(HEARTH_COMMAND, _code(doc.read_text()), flags=re.MULTILINE))
        unknown = mentioned - commands
        assert not unknown, f"{doc.name} mentions commands `hearth` does not have: {unknown}"
