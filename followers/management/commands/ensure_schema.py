"""``manage.py ensure_schema``: install the graph's constraints and indexes (idempotent)."""

from django.core.management.base import BaseCommand

from followers.graph_schema import schema_install


class Command(BaseCommand):
    help = "Create the followers graph's uniqueness constraints and indexes if missing."

    def handle(self, *args, **options):
        lines = schema_install(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Graph schema ready ({len(lines)} rules)."))
