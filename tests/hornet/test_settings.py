"""Every environment variable the services read is documented in README.md's configuration
table (read with ast from the settings modules, the gunicorn configuration and any other module
of hornet/, posts/ or followers/ that reads ``os.environ``)."""

import ast
import re

from tests.helpers import ROOT, env_defaults

READERS = [*sorted((ROOT / "settings").glob("*.py"))]
READERS += [
    path
    for package in ("hornet", "posts", "followers")
    for path in sorted((ROOT / package).rglob("*.py"))
    if "environ" in path.read_text()
]


def _configuration_table() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def test_every_variable_read_is_in_the_readme_table():
    table = _configuration_table()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    read = {name: path.name for path in READERS for name in env_defaults(path)}
    assert len(read) > 40  # the parser still finds the reads
    missing = sorted(f"{name} ({where})" for name, where in read.items() if name not in documented)
    assert not missing, f"read but not in README.md's configuration table: {missing}"


def test_settings_read_the_environment_only_through_env():
    """No settings module imports ``os``: none writes ``os.environ`` for a module read later
    (dev and test values are env reads with their own defaults)."""
    for path in sorted((ROOT / "settings").glob("*.py")):
        imported = {
            alias.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "os" not in imported, path.name
