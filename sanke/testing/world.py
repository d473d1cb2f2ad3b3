"""The demo world of a test session: built once into the test database, rolled back after every test.

Building the demo county takes about 2,100 queries (0.7 s), and most tests want it. So the session builds
it once, committed, right after the test database is created; a test that uses the database runs inside a
transaction that is rolled back afterwards (pytest-django's ``db``), and the ``world`` fixture hands it a
deep copy of the world's in-memory objects, as Django's ``TestCase.setUpTestData`` does. Whatever a test
changes, in the database or on those objects, the next test never sees.

Transactional tests (``transactional_db``, ``live_server``: browser and channels tests) commit for real, and
Django empties every table after each of them. They get a world built for them, as before: the first of
them empties the tables of the shared world, and a test that needs the shared world after a transactional
test has emptied it has it built again before it starts. pytest-django runs every non-transactional
database test before the transactional ones, so in a whole run the shared world is built once and emptied
once; ``SharedWorld.builds`` and ``.flushes`` count it, and the session summary prints them.

This module is the only place that imports the demo loader: when the loader moves, one line changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.db import models

from sanke.site.demo import DEMO_PASSWORD, DemoWorld, load_demo  # the one import of the demo loader

__all__ = ["DEMO_PASSWORD", "DemoWorld", "SHARED", "SharedWorld", "build_world", "is_transactional"]

# Tests use a fast hasher (see conftest); the shared world is built with it too, outside any test.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world() -> DemoWorld:
    """The national policy baseline and the demo county, built through the real actions.

    A data migration creates the baseline; emptying the tables (a transactional test) removes it, so it is
    put back first (``do_ensure_national_baseline`` does nothing if it is there).
    """
    from sanke.policy.actions import do_ensure_national_baseline

    do_ensure_national_baseline()
    return load_demo()


def forget_instance_caches(world: DemoWorld) -> DemoWorld:
    """Drop what code cached on the world's model instances (a user's scope, Django's permission caches).

    Such caches are private attributes set on the instance; the instance's own state (``_state``, which
    also holds the related objects fetched with it) stays.
    """
    for group in (world.regions, world.schools, world.classes, world.classrooms, world.people, world.users):
        for instance in group.values():
            if isinstance(instance, models.Model):
                for name in [n for n in vars(instance) if n.startswith("_") and n != "_state"]:
                    delattr(instance, name)
    return world


def is_transactional(item) -> bool:
    """Whether pytest-django runs ``item`` as a TransactionTestCase (it commits; tables are emptied after).

    The same rule pytest-django applies when it orders the tests and sets up their database.
    """
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


def needs_shared_world(item) -> bool:
    return "world" in getattr(item, "fixturenames", ()) and not is_transactional(item)


def flush_database(using: str = "default") -> None:
    """Empty every table, as Django's TransactionTestCase does after each test."""
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False, database=using, reset_sequences=False)


@dataclass
class SharedWorld:
    """The session's committed demo world and whether it is in the test database right now."""

    pristine: DemoWorld | None = None
    in_database: bool = False
    builds: int = 0
    flushes: int = 0
    blocker: object = field(default=None, repr=False)  # pytest-django's django_db_blocker

    def start(self, blocker, *, needed: bool) -> None:
        """Right after the test database is created (``django_db_setup``)."""
        self.blocker = blocker
        if needed:
            self.build()

    def build(self) -> None:
        """Build the world into the database, committed, outside any test."""
        from django.test import override_settings

        from sanke.org.models import Region

        with self.blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            if Region.objects.exists():  # a kept test database (--reuse-db) with data of an earlier run
                flush_database()
            self.pristine = forget_instance_caches(build_world())
        self.in_database = True
        self.builds += 1

    def evict(self) -> None:
        """Empty the tables before a transactional test, which builds its own world."""
        with self.blocker.unblock():
            flush_database()
        self.in_database = False
        self.flushes += 1

    def before_test(self, item) -> None:
        """Before ``item``'s fixtures are set up: make the database what the test expects to find."""
        if self.blocker is None:  # the test database does not exist yet (nothing is in it either)
            return
        if is_transactional(item):
            if self.in_database:
                self.evict()
        elif needs_shared_world(item) and not self.in_database:
            self.build()

    def copy(self) -> DemoWorld:
        """A copy of the world's objects for one test: its changes to them stay in that test."""
        if not self.in_database or self.pristine is None:
            raise RuntimeError(
                "the shared demo world is not in the test database (see sanke/testing/world.py)"
            )
        return copy.deepcopy(self.pristine)

    def summary(self) -> str:
        return f"shared demo world: built {self.builds}×, emptied {self.flushes}× by transactional tests"


SHARED = SharedWorld()
