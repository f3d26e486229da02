"""Views parse, call and render (README "Request path"): they read bodies with
``hornet.serializers.valid_body`` and leave side effects to the services, in both services.

Read with ast from the source, nothing imported: every view module of posts/ and followers/.
"""

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

VIEW_MODULES = sorted(
    [
        *ROOT.glob("posts/*views.py"),
        *ROOT.glob("posts/*/views.py"),
        *(ROOT / "followers" / "views").glob("*.py"),
    ]
)
# What writes to the other service or to someone else's notifications: services call these.
SIDE_EFFECTS = {"posts.clients", "followers.clients", "posts.notifications.services"}
SIDE_EFFECT_NAMES = {"notify", "forget_between"}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    modules, names = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
            names |= {alias.name for alias in node.names}
    return modules, names


def test_the_view_modules_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in VIEW_MODULES}
    assert {"posts/views.py", "posts/notifications/views.py", "followers/views/safety.py"} <= names


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_leave_side_effects_to_the_services(path):
    modules, names = _imports(path)
    assert not modules & SIDE_EFFECTS, "a view calls a client or a notification writer"
    assert not names & SIDE_EFFECT_NAMES


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_read_bodies_only_through_valid_body(path):
    calls = {
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert "is_valid" not in calls, "use hornet.serializers.valid_body"
