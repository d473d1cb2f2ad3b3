"""The demo world for `make run`, the screenshots and the tests, assembled from the steps apps register.

Each app adds its part (``register_demo_step`` in ``<app>/demo.py``, called from its ``AppConfig.ready``):
org builds 淳安县 and 建德市, policy sets their targets, timetable the bell times and term, accounts one
login per role, alliances the alliances, timetable the series and their lessons. Everything goes
through the real actions, in one transaction.
"""

from __future__ import annotations

from django.db import transaction

from sanke.accounts.demo import DEMO_PASSWORD
from sanke.core.composition import DemoWorld, demo_steps

__all__ = ["DEMO_PASSWORD", "DemoWorld", "load_demo"]


@transaction.atomic
def load_demo() -> DemoWorld:
    world = DemoWorld()
    for step in demo_steps():
        step.build(world)
    return world
