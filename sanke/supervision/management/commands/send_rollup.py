"""Send this deployment's region and school sums to the upper deployment (``docs/rollup.md``)."""

from django.core.management.base import BaseCommand, CommandError

from sanke.supervision.sending import do_send_rollup


class Command(BaseCommand):
    help = "Send indicator sums to SANKE_ROLLUP_URL; resumes after the last acknowledged day."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="")
        parser.add_argument("--key", default="")

    def handle(self, *args, url, key, **options):
        result = do_send_rollup(url=url, key=key)
        self.stdout.write(f"batches={result.batches} rows={result.rows} last_day={result.last_day}")
        if result.error:
            raise CommandError(f"not sent: {result.error}")
