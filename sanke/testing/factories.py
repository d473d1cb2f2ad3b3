"""Small makers of test data: valid ID card numbers, and a sync series placed on the timetable.

Data is made through the real actions, as the demo world is (STYLE.md); these only spare tests the
repetition.
"""

from __future__ import annotations

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(serial: int, *, birth: str, region: str = "330127") -> str:
    """A valid 18-character ID card number: GB 11643 checksum computed here, independently of the app."""
    body = f"{region}{birth}{serial:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def with_bad_checksum(number: str) -> str:
    """The same number with a wrong check digit."""
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def place_series(series, receiving_classes, *, acting_user=None, time_limit: float | None = None):
    """Save ``series`` for ``receiving_classes``, let the co-scheduler propose its times, and accept them:
    the term's lessons exist afterwards. A series saved again goes back to draft first, as on the page."""
    from sanke.timetable.actions import do_accept_proposals, do_save_series, do_schedule_series
    from sanke.timetable.scheduling.solver import Weights

    series = do_save_series(series, list(receiving_classes), acting_user=acting_user)
    limit = {} if time_limit is None else {"time_limit": time_limit}
    do_schedule_series([series], weights=Weights(), allow_moving=False, acting_user=acting_user, **limit)
    do_accept_proposals([series], acting_user=acting_user)
    return series
