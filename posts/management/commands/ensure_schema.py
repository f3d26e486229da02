"""Create the posts collections and their indexes; give replies stored before thread paths
existed their ``ancestor_ids`` (once per database, or again with ``--backfill-paths``; see
posts.threads.ensure_paths), authors who have posts but no statistics theirs (posts.authors),
tags and mentions their statistics and list entries when there are none (posts.tags,
posts.list_entries) and, when no recipient has any, notification recipients theirs
(posts.notifications.stats). Idempotent: run before serving or testing (the Kubernetes
Deployments run it in an init container).

The posts' multikey indexes ``tag_timeline`` and ``mention_timeline`` of earlier versions are no
longer created (nothing reads by them since posts.list_entries) but are left where they exist:
drop them by hand to save their writes.
"""

from django.core.management.base import BaseCommand

from posts import list_entries, timelines
from posts.authors import COLLECTION as AUTHOR_STATS
from posts.authors import author_stats_backfill
from posts.db import command_deadline, database
from posts.documents import Post
from posts.idempotency import COLLECTION, ensure_collection
from posts.marks import KINDS
from posts.notifications import stats as notification_stats
from posts.notifications import store as notifications
from posts.tags import LIST_STATS, list_stats_backfill
from posts.threads import ensure_paths


class Command(BaseCommand):
    help = "Create the posts collections and indexes if missing (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backfill-paths",
            action="store_true",
            help="Look for replies without an ancestor path again (after a rolling update).",
        )

    def handle(self, *args, **options):
        with command_deadline():
            existing = database().list_collection_names()
            for name in (Post._get_collection_name(), AUTHOR_STATS):
                if name not in existing:
                    database().create_collection(name)
            Post.ensure_indexes()  # create_index is a no-op for an index that already exists
            names = sorted(Post._get_collection().index_information())
            self.stdout.write(f"posts: collection 'posts', indexes: {', '.join(names)}")
            paths = ensure_paths(force=options["backfill_paths"])
            self.stdout.write(
                "posts: thread paths backfilled already"
                if paths is None
                else f"posts: thread paths given to {paths} replies stored without one"
            )
            expiry = ensure_collection()
            self.stdout.write(f"posts: collection {COLLECTION!r}, expiry index: {expiry}")
            indexes = timelines.ensure_indexes()
            self.stdout.write(f"posts: home timelines, indexes: {', '.join(indexes)}")
            for kind in KINDS:
                indexes = kind.ensure_indexes()
                self.stdout.write(f"posts: {kind.collection_name}, indexes: {', '.join(indexes)}")
            indexes = notifications.ensure_indexes()
            self.stdout.write(f"posts: {notifications.ENTRIES}, indexes: {', '.join(indexes)}")
            indexes = list_entries.ensure_indexes()
            self.stdout.write(f"posts: {list_entries.COLLECTION}, indexes: {', '.join(indexes)}")
            filled = notification_stats.backfill(notifications.entries())
            if filled:
                self.stdout.write(f"posts: notification statistics backfilled for {filled} users")
            filled = author_stats_backfill()
            if filled:
                self.stdout.write(f"posts: {AUTHOR_STATS!r} backfilled for {filled} authors")
            filled = list_stats_backfill()
            if filled:
                self.stdout.write(f"posts: {LIST_STATS!r} backfilled for {filled} tags and users")
            if filled := list_entries.backfill():
                self.stdout.write(
                    f"posts: {list_entries.COLLECTION!r} backfilled: {filled} entries"
                )
