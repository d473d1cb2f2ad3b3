"""``manage.py rebuild_indicators``: recompute the whole indicator roll-up from lessons and event logs."""

from django.core.management.base import BaseCommand

from sanke.supervision.actions import do_rebuild_all_indicators


class Command(BaseCommand):
    help = "Recompute the indicator roll-up (lesson facts and daily sums) from every lesson."

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done}/{total} lessons")

        facts, rows = do_rebuild_all_indicators(progress=progress)
        self.stdout.write(f"{facts} lesson facts, {rows} daily rows")
