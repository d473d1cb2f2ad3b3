"""Week grids of timetables: per school, class, teacher, classroom and alliance.

A week grid has the rows of ONE school's period grid (节次, with that school's clock times) and the
columns Monday–Friday. A sync slot is planned in the host school's periods; a receiving class sees it in
its own period (``SeriesSlot.receiver_periods``), because bell times differ between schools. Accepted
slots and the scheduler's proposals (not yet accepted, marked as such) are both shown.

These functions do not check access: the caller fetched the school/class/teacher/classroom/alliance
through ``access_object`` (or ``visible_to``) first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.translation import gettext as _

from sanke.timetable.choices import SCHOOL_WEEK, Weekday
from sanke.timetable.models import Period, SeriesSlot, SyncSeries, TimetableEntry

ENTRY, SYNC = "entry", "sync"
HOST, RECEIVER = "host", "receiver"


@dataclass
class GridItem:
    """One thing in a cell: an ordinary timetable entry or a sync-course slot (host or receiving side)."""

    kind: str  # ENTRY | SYNC
    subject: str
    lines: list[str] = field(default_factory=list)
    clock: str = ""  # the sync lesson's own clock time (may differ from the period's)
    role: str = ""  # HOST | RECEIVER for sync items
    proposed: bool = False  # a scheduler proposal that nobody accepted yet
    series_id: int | None = None

    @property
    def is_sync(self) -> bool:
        return self.kind == SYNC


@dataclass
class GridCell:
    weekday: int
    items: list[GridItem] = field(default_factory=list)


@dataclass
class GridRow:
    number: int
    clock: str
    cells: list[GridCell]


@dataclass
class WeekGrid:
    """A school's periods × Monday–Friday, with what happens in each cell."""

    title: str
    school: object
    days: list[tuple[int, str]]
    rows: list[GridRow]
    subtitle: str = ""
    # items whose period is not (or no longer) in the school's grid, or that fall on a weekend
    unplaced: list[tuple[str, GridItem]] = field(default_factory=list)

    @property
    def has_periods(self) -> bool:
        return bool(self.rows)

    @property
    def sync_count(self) -> int:
        placed = sum(1 for row in self.rows for cell in row.cells for item in cell.items if item.is_sync)
        return placed + sum(1 for _when, item in self.unplaced if item.is_sync)

    @property
    def is_empty(self) -> bool:
        return not self.unplaced and not any(cell.items for row in self.rows for cell in row.cells)

    def cell(self, weekday: int, number: int) -> list[GridItem]:
        """The items of one cell (for tests and callers that look one cell up)."""
        for row in self.rows:
            if row.number == number:
                return next(c.items for c in row.cells if c.weekday == weekday)
        return []


class _GridBuilder:
    def __init__(self, school, title: str, subtitle: str = "", periods: list | None = None):
        self.school = school
        self.title = title
        self.subtitle = subtitle
        if periods is None:
            # scope: the periods of a school the caller fetched through the kernel
            periods = list(Period.objects.filter(school=school).order_by("number")) if school else []
        self.periods = periods
        self.cells = {(day, p.number): GridCell(day) for p in self.periods for day in SCHOOL_WEEK}
        self.unplaced: list[tuple[str, GridItem]] = []

    def add(self, weekday: int, number: int | None, item: GridItem) -> None:
        cell = self.cells.get((weekday, number))
        if cell is not None:
            cell.items.append(item)
        else:
            when = f"{Weekday(weekday).label} {number or '?'}"
            self.unplaced.append((when, item))

    def build(self) -> WeekGrid:
        rows = []
        for period in self.periods:
            cells = [self.cells[(day, period.number)] for day in SCHOOL_WEEK]
            for cell in cells:  # sync lessons first, then the ordinary timetable
                cell.items.sort(key=lambda item: (not item.is_sync, item.subject))
            rows.append(GridRow(period.number, f"{period.start:%H:%M}–{period.end:%H:%M}", cells))
        return WeekGrid(
            title=self.title,
            subtitle=self.subtitle,
            school=self.school,
            days=[(day, str(Weekday(day).label)) for day in SCHOOL_WEEK],
            rows=rows,
            unplaced=self.unplaced,
        )


# --- items --------------------------------------------------------------------------------------------
def _class_label(class_group) -> str:
    return f"{class_group.school.name} {class_group}"


def _entry_item(entry: TimetableEntry, *, show_class: bool = False, show_teacher: bool = True) -> GridItem:
    lines = []
    if show_class:
        lines.append(str(entry.class_group))
    if show_teacher and entry.teacher_id:
        lines.append(entry.teacher.name)
    if entry.classroom_id:
        lines.append(entry.classroom.name)
    return GridItem(ENTRY, entry.subject, lines)


def _host_item(slot: SeriesSlot, *, show_teacher: bool = True) -> GridItem:
    series = slot.series
    receivers = "、".join(_class_label(c) for c in series.receiving_classes.all())
    lines = [_("to %(classes)s") % {"classes": receivers or "—"}]
    if show_teacher:
        lines.insert(0, series.host_teacher.name)
    return GridItem(
        SYNC,
        series.subject,
        lines,
        clock=slot.clock,
        role=HOST,
        proposed=not slot.accepted,
        series_id=series.pk,
    )


def _receiver_item(slot: SeriesSlot, class_group, *, show_class: bool = True) -> GridItem:
    series = slot.series
    lines = [
        _("from %(teacher)s, %(school)s")
        % {
            "teacher": series.host_teacher.name,
            "school": series.host_classroom.school.name,
        }
    ]
    if show_class:
        lines.insert(0, str(class_group))
    return GridItem(
        SYNC,
        series.subject,
        lines,
        clock=slot.clock,
        role=RECEIVER,
        proposed=not slot.accepted,
        series_id=series.pk,
    )


def _receiver_period(slot: SeriesSlot, class_group) -> int | None:
    """The receiving class's own period number for ``slot`` (JSON keys are strings)."""
    periods = slot.receiver_periods or {}
    number = periods.get(str(class_group.pk), periods.get(class_group.pk))
    return int(number) if number is not None else None


def _slots(user, series_filter: Q):
    """Weekly slots of the series ``user`` may see (slots follow their series)."""
    visible = SyncSeries.objects.visible_to(user).values("pk")
    return (
        SeriesSlot.objects.filter(series_filter, series__in=visible)  # scope: narrowed to visible series
        .select_related(
            "series__host_teacher",
            "series__host_classroom__school",
            "series__alliance",
            "host_period",
        )
        .prefetch_related("series__receiving_classes__school", "series__receiving_classes__grade")
        .order_by("weekday", "start_minute", "series_id")
    )


def _entries(user, entry_filter: Q):
    return (
        TimetableEntry.objects.visible_to(user)
        .filter(entry_filter)
        .select_related("period", "teacher", "classroom", "class_group__grade")
        .order_by("weekday", "period__number", "class_group_id")
    )


def _add_receiving(builder: _GridBuilder, slots, class_ids: set[int], *, show_class: bool = True) -> None:
    for slot in slots:
        for class_group in slot.series.receiving_classes.all():
            if class_group.pk in class_ids:
                item = _receiver_item(slot, class_group, show_class=show_class)
                builder.add(slot.weekday, _receiver_period(slot, class_group), item)


# --- grids --------------------------------------------------------------------------------------------
def school_week(school, user) -> WeekGrid:
    """The school's week: every class's timetable, the sync lessons it hosts (in the host period) and the
    ones its classes receive (in their own periods). Only series of alliances the user may see."""
    builder = _GridBuilder(school, school.name)
    for entry in _entries(user, Q(class_group__school=school)):
        builder.add(
            entry.weekday, entry.period.number, _entry_item(entry, show_class=True, show_teacher=False)
        )
    visible = SyncSeries.objects.visible_to(user)
    class_ids = set(school.class_groups.values_list("pk", flat=True))
    for slot in _slots(user, Q(series__in=visible, series__host_classroom__school=school)):
        builder.add(slot.weekday, slot.host_period.number, _host_item(slot))
    receiving = _slots(user, Q(series__in=visible, series__receiving_classes__school=school)).distinct()
    _add_receiving(builder, receiving, class_ids)
    return builder.build()


def class_week(class_group, user) -> WeekGrid:
    """A class's week: its timetable plus the sync lessons it receives, in its own school's periods."""
    builder = _GridBuilder(class_group.school, str(class_group), class_group.school.name)
    for entry in _entries(user, Q(class_group=class_group)):
        builder.add(entry.weekday, entry.period.number, _entry_item(entry))
    _add_receiving(
        builder, _slots(user, Q(series__receiving_classes=class_group)), {class_group.pk}, show_class=False
    )
    return builder.build()


def teacher_week(person, user) -> WeekGrid:
    """A teacher's week: the classes they teach and the sync lessons they host."""
    builder = _GridBuilder(person.school, person.name, person.school.name if person.school else "")
    for entry in _entries(user, Q(teacher=person)):
        builder.add(
            entry.weekday, entry.period.number, _entry_item(entry, show_class=True, show_teacher=False)
        )
    for slot in _slots(user, Q(series__host_teacher=person)):
        builder.add(slot.weekday, slot.host_period.number, _host_item(slot, show_teacher=False))
    return builder.build()


def classroom_week(classroom, user) -> WeekGrid:
    """A classroom's week: entries held there (and its home class's entries without a room), the sync
    lessons it hosts, and the ones its home class receives there."""
    builder = _GridBuilder(classroom.school, classroom.name, classroom.school.name)
    room = Q(classroom=classroom)
    if classroom.home_class_id:
        room |= Q(class_group_id=classroom.home_class_id, classroom__isnull=True)
    for entry in _entries(user, room):
        builder.add(entry.weekday, entry.period.number, _entry_item(entry, show_class=True))
    for slot in _slots(user, Q(series__host_classroom=classroom)):
        builder.add(slot.weekday, slot.host_period.number, _host_item(slot))
    if classroom.home_class_id:
        receiving = _slots(user, Q(series__receiving_classes=classroom.home_class_id))
        _add_receiving(builder, receiving, {classroom.home_class_id})
    return builder.build()


SCHOOLS_PER_PAGE = 6


def alliance_week(alliance, user, page_number=None) -> tuple[list[WeekGrid], Page]:
    """The alliance's week: the host school's grid, then a page of the receiving schools' grids, each
    showing the alliance's slots in that school's own periods. A county's alliance may reach 30 schools;
    a page of ``SCHOOLS_PER_PAGE`` keeps the page's size and its queries the same whatever its size
    (all periods and classes of the page's schools in one query each)."""
    from sanke.org.models import ClassGroup, School

    slots = list(_slots(user, Q(series__alliance=alliance)))
    receiver_school_ids = {c.school_id for slot in slots for c in slot.series.receiving_classes.all()}
    member_ids = set(alliance.members.values_list("school_id", flat=True))
    # scope: the member schools of an alliance the caller sees (named on its grid)
    schools = (
        School.objects.filter(pk__in=member_ids | receiver_school_ids)
        .exclude(pk=alliance.host_school_id)
        .order_by("code")
    )
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(page_number)
    page_schools = list(page.object_list)
    school_ids = [alliance.host_school_id, *(school.pk for school in page_schools)]
    periods: dict[int, list] = {pk: [] for pk in school_ids}
    # scope: the periods of the schools above
    for period in Period.objects.filter(school_id__in=school_ids).order_by("number"):
        periods[period.school_id].append(period)
    classes: dict[int, set[int]] = {pk: set() for pk in school_ids}
    # scope: the classes of the schools above, for matching the slots' receiving classes
    for pk, school_id in ClassGroup.objects.filter(school_id__in=school_ids).values_list("pk", "school_id"):
        classes[school_id].add(pk)

    host_school = alliance.host_school
    host = _GridBuilder(host_school, host_school.name, _("Host school"), periods[host_school.pk])
    for slot in slots:
        if slot.series.host_classroom.school_id == alliance.host_school_id:
            host.add(slot.weekday, slot.host_period.number, _host_item(slot))
        else:  # a series hosted elsewhere (another school of the alliance's region): show it at its host
            host.unplaced.append((f"{slot.get_weekday_display()} {slot.clock}", _host_item(slot)))
    grids = [host.build()]
    for school in page_schools:
        builder = _GridBuilder(school, school.name, _("Receiving school"), periods[school.pk])
        _add_receiving(builder, slots, classes[school.pk])
        grids.append(builder.build())
    return grids, page
