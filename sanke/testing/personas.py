"""The named people of the demo world that tests speak of (STYLE.md, "shared test personas").

Each persona is a fixture of the same name that returns the demo login of that person, from the test's
copy of the world. ``conftest.py`` declares them with ``persona(name)``.
"""

from __future__ import annotations

import pytest

# fixture name → demo username, and who that is
PERSONAS: dict[str, tuple[str, str]] = {
    "county_admin": ("county_admin", "bureau admin of 淳安县, the demo county"),
    "school_admin": ("school_admin", "school admin of 千岛湖镇第一小学, the host school"),
    "host_teacher": ("teacher", "王芳, who teaches the English series from the host school's studio"),
    "receiver_terminal": ("terminal_longjing", "the classroom terminal of 龙井教学点, a receiving classroom"),
    "student": ("student", "李明, a student of 龙井教学点 三年级(1)班, which receives the English series"),
    "guardian": ("guardian", "李建国, 李明's guardian"),
    "inspector": ("inspector", "the county's school inspector"),
    "outsider": ("outsider_admin", "bureau admin of 建德市, another county: must never see 淳安县"),
}


def persona(name: str):
    """The fixture ``name``: the demo user of that persona."""
    username, who = PERSONAS[name]

    def fixture(world):
        return world.users[username]

    fixture.__name__ = name
    fixture.__doc__ = f"The demo user ``{username}``: {who}."
    return pytest.fixture(fixture, name=name)
