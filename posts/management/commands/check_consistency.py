"""``manage.py check_consistency [--repair]``: counters vs real counts, orphan replies, the tag
and mention timelines' entries (posts.consistency)."""

from django.core.management.base import BaseCommand

from posts.consistency import check_consistency
from posts.db import command_deadline


class Command(BaseCommand):
    help = (
        "Compare replies_count/shares_count with the real counts and look for replies whose "
        "parent is gone; with --repair, settle stale intents, recount and delete orphans."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Fix what is found.")
        parser.add_argument(
            "--stale-seconds",
            type=float,
            default=120.0,
            help="Intents older than this are abandoned (default 120; longer than any request).",
        )

    def handle(self, *args, **options):
        with command_deadline():
            report = check_consistency(
                repair=options["repair"], stale_seconds=options["stale_seconds"]
            )
        for drift in report.drift:
            self.stdout.write(
                f"drift: post {drift.post_id} {drift.counter} stored {drift.stored} "
                f"real {drift.real}"
            )
        for orphan in report.orphans:
            self.stdout.write(f"orphan: reply {orphan} (parent missing)")
        self.stdout.write(
            f"scanned {report.scanned} posts: {len(report.drift)} drifting counters, "
            f"{len(report.orphans)} orphan replies, {report.stale_intents} stale intents, "
            f"{report.pathless} replies without a thread path, "
            f"{len(report.uncovered_authors)} authors with posts outside their statistics, "
            f"{report.orphan_marks} likes and bookmarks of deleted posts, "
            f"{report.unlisted} posts missing from a tag or mention timeline, "
            f"{report.stray_entries} timeline entries of no post"
        )
        if options["repair"]:
            self.stdout.write(
                f"repaired: {report.settled} intents settled, {report.recounted} counters "
                f"recounted, {report.orphans_deleted} orphan posts deleted, "
                f"{report.paths_backfilled} thread paths set, "
                f"{report.stats_widened} authors' statistics widened, "
                f"{report.orphan_marks_deleted} orphan likes and bookmarks deleted, "
                f"{report.entries_written} timeline entries written, "
                f"{report.entries_deleted} deleted"
            )
