"""The demo county's alliances: the host school's English delivery classroom to the central school and
its two teaching points, and the central school's own alliance with its teaching points."""

from __future__ import annotations

import datetime as dt

from sanke.alliances.actions import do_save_alliance
from sanke.alliances.models import Alliance
from sanke.core.composition import DemoStep, DemoWorld, register_demo_step

TERM = ("2026–2027 学年第一学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22))


def build_alliances(w: DemoWorld) -> None:
    chunan, host, central = w.regions["330127"], w.schools["host"], w.schools["central"]
    name, start, end = TERM
    w.alliances["english"] = do_save_alliance(
        Alliance(
            name="千岛湖一小英语专递课堂",
            region=chunan,
            host_school=host,
            term_name=name,
            term_start=start,
            term_end=end,
            coordinator=w.users["school_admin"],
        ),
        [central, w.schools["longjing"], w.schools["xiajiang"]],
        acting_user=None,
    )
    w.alliances["central"] = do_save_alliance(
        Alliance(
            name="枫树岭中心校教学点联校",
            region=chunan,
            host_school=central,
            term_name=name,
            term_start=start,
            term_end=end,
        ),
        [w.schools["longjing"], w.schools["xiajiang"]],
        acting_user=None,
    )


def register() -> None:
    register_demo_step(DemoStep("alliances", 50, build_alliances))
