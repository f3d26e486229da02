"""Print the server's plan for each query the posts service runs, and whether it uses an index.

On MongoDB the winning plan shows IXSCAN (or an _id fast path) per query. FerretDB's SQLite
backend answers with SQLite's ``EXPLAIN QUERY PLAN`` lines and pushdown flags instead.
``--require-index`` exits non-zero if any list query scans the whole collection.
"""

import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from posts.db import command_deadline
from posts.documents import now_ms, posts_collection
from posts.queries import ASC, DESC, TimeKey, replies_filter, timeline_filter
from posts.threads import subtree_filter

# Stages that mean "an index (or the _id index) found the documents".
_INDEX_STAGES = {"IXSCAN", "IDHACK", "EXPRESS_IXSCAN", "EXPRESS_IDHACK", "COUNT_SCAN"}


def queries() -> list[tuple[str, dict[str, Any], list[tuple[str, int]] | None]]:
    """(name, filter, sort) exactly as the selectors and services build them."""
    a, b, c, p = (uuid.uuid4() for _ in range(4))
    key = TimeKey(now_ms(), uuid.uuid4())
    return [
        ("timeline first page", timeline_filter([a], None), DESC),
        ("timeline next page", timeline_filter([a], key), DESC),
        ("feed next page (3 authors)", timeline_filter([a, b, c], key), DESC),
        ("replies first page", replies_filter(p, None), ASC),
        ("replies next page", replies_filter(p, key), ASC),
        ("subtree (delete)", subtree_filter(p), None),
        ("ancestors (context)", {"_id": {"$in": [a, b, c]}}, None),
        ("children without a path (delete, legacy)", {"parent_post_id": {"$in": [p, a]}}, None),
        ("shares of a post", {"original_post_id": p}, None),
        ("post by id", {"_id": p}, None),
    ]


def _stages(plan: Any) -> set[str]:
    found: set[str] = set()
    stack = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("stage"), str):
                found.add(node["stage"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def verdict(explain: dict[str, Any]) -> tuple[bool, str]:
    """(uses an index?, one-line summary) for a MongoDB or a FerretDB explain answer."""
    planner = explain.get("queryPlanner", {})
    if "winningPlan" in planner:  # MongoDB
        stages = _stages(planner["winningPlan"])
        return bool(stages & _INDEX_STAGES), "stages: " + ", ".join(sorted(stages))
    lines = [str(line) for line in planner.get("Plan", [])]  # FerretDB + SQLite
    indexed = any(("USING INDEX" in s or "USING PRIMARY KEY" in s) for s in lines)
    flags = {k: explain.get(k) for k in ("filterPushdown", "sortPushdown", "limitPushdown")}
    return indexed, f"sqlite: {' | '.join(lines) or '-'}; {flags}"


class Command(BaseCommand):
    help = "Explain the posts queries on the configured server and report index use."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-plans", action="store_true", help="print raw explain")
        parser.add_argument("--require-index", action="store_true", help="fail on a full scan")

    def handle(self, *args, **options):
        with command_deadline():
            posts = posts_collection()
            server = posts.database.command("buildInfo")
            kind = "FerretDB" if "ferretdbVersion" in server else "MongoDB"
            self.stdout.write(f"server: {kind} {server.get('version')}")
            scans = []
            for name, query, sort in queries():
                explain = posts.find(query, sort=sort, limit=21).explain()
                indexed, summary = verdict(explain)
                self.stdout.write(f"{name}: {'INDEX' if indexed else 'FULL SCAN'} ({summary})")
                if options["verbose_plans"]:
                    plan = explain.get("queryPlanner")
                    self.stdout.write(json.dumps(plan, default=str, indent=2))
                if not indexed:
                    scans.append(name)
        if options["require_index"] and scans:
            raise CommandError(f"full collection scans: {', '.join(scans)}")
