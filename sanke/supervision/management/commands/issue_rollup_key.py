"""Register a lower deployment and print its roll-up key once (only a hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from sanke.supervision.rollup import BatchRefused, do_issue_rollup_key


class Command(BaseCommand):
    help = "Issue a roll-up key for a lower deployment reporting for REGION_CODE under OWN_REGION_CODE."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("region_code")
        parser.add_argument("own_region_code")

    def handle(self, *args, name, region_code, own_region_code, **options):
        try:
            _peer, key = do_issue_rollup_key(
                name=name, region_code=region_code, own_region_code=own_region_code
            )
        except BatchRefused as refused:
            raise CommandError(refused.detail) from refused
        self.stdout.write(key)
