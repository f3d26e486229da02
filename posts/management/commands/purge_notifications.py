"""Delete the notifications older than 90 days (posts.notifications.store.RETENTION). The
fan-out worker does the same once a minute; this is for deployments that run none, or for a
CronJob. Reads already leave the old ones out, so running it late changes no answer."""

from django.core.management.base import BaseCommand

from posts.db import command_deadline
from posts.notifications.store import purge


class Command(BaseCommand):
    help = "Delete notifications older than 90 days (safe to run at any time)."

    def handle(self, *args, **options):
        with command_deadline():
            removed = purge()
        self.stdout.write(f"notifications: {removed} older than 90 days deleted")
