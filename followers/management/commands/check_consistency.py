"""``manage.py check_consistency [--repair]``: stored follower counts vs edges, edge ids."""

from django.core.management.base import BaseCommand

from followers.consistency import check_consistency


class Command(BaseCommand):
    help = (
        "Compare each User.followers_count with the real number of FOLLOWS edges, and look "
        "for follows without an id and duplicated pairs; with --repair, fix them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Fix what is found.")

    def handle(self, *args, **options):
        report = check_consistency(repair=options["repair"])
        for user_id, stored, degree in report.users_drifting:
            self.stdout.write(f"drift: user {user_id} followers_count {stored} real {degree}")
        for sender_id, receiver_id, n in report.duplicate_pairs:
            self.stdout.write(f"duplicate: {sender_id} -> {receiver_id} has {n} FOLLOWS edges")
        self.stdout.write(
            f"{len(report.users_drifting)} drifting counts, {report.follows_without_id} follows "
            f"without id, {len(report.duplicate_pairs)} duplicated pairs"
        )
        if options["repair"]:
            self.stdout.write(
                f"repaired: {report.ids_given} ids given, {report.duplicates_deleted} duplicate "
                f"edges deleted, {report.recounted} counts recounted"
            )
