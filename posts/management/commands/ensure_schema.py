"""Create the posts collection and its indexes, and give replies stored before thread paths
existed their ``ancestor_ids`` (once per database, or again with ``--backfill-paths``; see
posts.threads.ensure_paths). Idempotent: run before serving or testing (the Kubernetes
Deployments run it in an init container).
"""

from django.core.management.base import BaseCommand

from posts.db import command_deadline, database
from posts.documents import Post
from posts.idempotency import COLLECTION, ensure_collection
from posts.threads import ensure_paths


class Command(BaseCommand):
    help = "Create the posts collection and its indexes if missing (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backfill-paths",
            action="store_true",
            help="Look for replies without an ancestor path again (after a rolling update).",
        )

    def handle(self, *args, **options):
        with command_deadline():
            name = Post._get_collection_name()
            if name not in database().list_collection_names():
                database().create_collection(name)
            Post.ensure_indexes()  # create_index is a no-op for an index that already exists
            names = sorted(Post._get_collection().index_information())
            self.stdout.write(f"posts: collection {name!r}, indexes: {', '.join(names)}")
            paths = ensure_paths(force=options["backfill_paths"])
            self.stdout.write(
                "posts: thread paths backfilled already"
                if paths is None
                else f"posts: thread paths given to {paths} replies stored without one"
            )
            expiry = ensure_collection()
            self.stdout.write(f"posts: collection {COLLECTION!r}, expiry index: {expiry}")
