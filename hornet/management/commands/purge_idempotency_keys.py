"""``manage.py purge_idempotency_keys``: delete expired Idempotency-Key records.

For servers without TTL indexes (FerretDB; Neo4j has none at all); run it from a CronJob.
Claims purge a batch now and then too, so this only bounds how long expired keys linger.
"""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand

from hornet.idempotency import PURGE_BATCH, store


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records of this service (safe to run any time)."

    def handle(self, *args, **options):
        keys, now, total = store(), datetime.now(UTC), 0
        while purged := keys.purge_expired(now, PURGE_BATCH):
            total += purged
        self.stdout.write(f"purged {total} expired idempotency keys")
