"""Which week and which term a dashboard shows: ``?date=`` (default today, school time) picks both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.dateparse import parse_date

from sanke.supervision.facts import week_of

# The dates a dashboard can mean; anything else in ?date= is ignored (it cannot overflow a week's arithmetic).
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def parse_day(raw: str | None) -> dt.date | None:
    """A date from a query parameter, or None when it is missing, malformed or outside 2000–2099."""
    try:
        day = parse_date(raw) if raw else None
    except ValueError:
        return None
    return day if day is not None and EARLIEST <= day <= LATEST else None


@dataclass(frozen=True)
class Period:
    date: dt.date
    week: dt.date  # Monday
    term_start: dt.date
    term_end: dt.date
    term_name: str

    @property
    def week_end(self) -> dt.date:
        return self.week + dt.timedelta(days=6)

    @property
    def week_range(self) -> tuple[dt.date, dt.date]:
        return self.week, self.week_end

    @property
    def term(self) -> tuple[dt.date, dt.date]:
        return self.term_start, self.term_end

    @property
    def query(self) -> str:
        return f"date={self.date.isoformat()}"


def period_for(request, alliances) -> Period:
    """The period of ``?date=``: its week, and the term of the alliances (already scoped) around it —
    else the last term before it, else the 20 weeks up to it."""
    return period_at(parse_day(request.GET.get("date")) or timezone.localdate(), alliances)


def period_at(date: dt.date, alliances) -> Period:
    """The period of a day (``alliances``: the alliances whose terms count, already scoped)."""
    around = alliances.filter(term_start__lte=date, term_end__gte=date)
    span = around.aggregate(start=Min("term_start"), end=Max("term_end"), name=Max("term_name"))
    if span["start"] is None:
        last = alliances.filter(term_end__lt=date).order_by("-term_end").first()
        if last is not None:
            span = {"start": last.term_start, "end": last.term_end, "name": last.term_name}
        else:
            span = {"start": date - dt.timedelta(weeks=20), "end": date, "name": ""}
    return Period(date, week_of(date), span["start"], span["end"], span["name"] or "")
