from django.core.management.base import BaseCommand

from sanke.org.selectors import organisation_exists
from sanke.site.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo county (only into an empty database) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if regions exist")

    def handle(self, *args, if_empty=False, **options):
        if organisation_exists():
            if if_empty:
                self.stdout.write("Database already has data; demo not loaded.")
                return
            self.stderr.write("The database is not empty; the demo county loads only into an empty database.")
            return
        world = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo county loaded (淳安县, 浙江省杭州市)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, scope in world.logins:
            self.stdout.write(f"  {username:<20} {role} · {scope}")
