from django.core.management.base import BaseCommand, CommandError

from sanke.org.selectors import organisation_exists
from sanke.site.county import SIZES, build_county
from sanke.site.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo county (only into an empty database) and print the demo logins; with --size county "
        "(or city, tiny) also generate a county-sized world on top of it (sanke/site/county.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if regions exist")
        parser.add_argument(
            "--size",
            default="demo",
            choices=["demo", *SIZES],
            help="demo (the small county, default), tiny, county (~150 schools, ~40,000 students) or city "
            "(ten counties)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="the same seed builds the same world")

    def handle(self, *args, if_empty=False, size="demo", seed=2026, **options):
        if organisation_exists():
            if if_empty:
                self.stdout.write("Database already has data; demo not loaded.")
                return
            self.stderr.write("The database is not empty; the demo county loads only into an empty database.")
            return
        if size == "demo":
            world = load_demo()
            self.stdout.write(self.style.SUCCESS("Demo county loaded (淳安县, 浙江省杭州市)."))
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role, scope in world.logins:
                self.stdout.write(f"  {username:<20} {role} · {scope}")
            return
        try:
            summary = build_county(size, seed, progress=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"World '{size}' (seed {seed}) loaded on top of the demo county.")
        )
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Logins to try (password for all: {DEMO_PASSWORD}; the demo's logins work too):")
        for username, role, scope in summary.logins:
            self.stdout.write(f"  {username:<28} {role} · {scope}")
