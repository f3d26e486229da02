"""Create the posts collections and their indexes (idempotent). Run before serving or testing."""

from django.core.management.base import BaseCommand

from posts.authors import COLLECTION as AUTHOR_STATS
from posts.authors import author_stats_backfill
from posts.db import command_deadline, database
from posts.documents import Post
from posts.idempotency import COLLECTION, ensure_collection


class Command(BaseCommand):
    help = "Create the posts collections and indexes if missing (safe to run repeatedly)."

    def handle(self, *args, **options):
        with command_deadline():
            existing = database().list_collection_names()
            for name in (Post._get_collection_name(), AUTHOR_STATS):
                if name not in existing:
                    database().create_collection(name)
            Post.ensure_indexes()  # create_index is a no-op for an index that already exists
            names = sorted(Post._get_collection().index_information())
            self.stdout.write(f"posts: collection 'posts', indexes: {', '.join(names)}")
            expiry = ensure_collection()
            self.stdout.write(f"posts: collection {COLLECTION!r}, expiry index: {expiry}")
            filled = author_stats_backfill()
            if filled:
                self.stdout.write(f"posts: {AUTHOR_STATS!r} backfilled for {filled} authors")
