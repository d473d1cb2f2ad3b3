"""From the database to the co-scheduler: build its problem instances (period grids, busy times)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sanke.timetable.models import Period, SeriesSlot, SyncSeries, TimetableEntry, minutes_of
from sanke.timetable.scheduling.solver import Busy, PeriodSpec, Resource, SeriesSpec


class InstanceBuilder:
    """Builds ``SeriesSpec`` objects, caching period grids and busy times per school, teacher, room, class."""

    def __init__(self, series_ids: set[int]):
        self.running = series_ids  # series scheduled in this run: their own old slots don't count as busy
        self._grids: dict[int, tuple[PeriodSpec, ...]] = {}

    def grid(self, school_id: int) -> tuple[PeriodSpec, ...]:
        if school_id not in self._grids:
            self._grids[school_id] = tuple(
                PeriodSpec(p.number, minutes_of(p.start), minutes_of(p.end))
                for p in Period.objects.filter(school_id=school_id).order_by("number")
            )
        return self._grids[school_id]

    @staticmethod
    def _entry_busy(entries) -> dict[int, list[Busy]]:
        busy: dict[int, list[Busy]] = defaultdict(list)
        for entry in entries.select_related("period"):
            busy[entry.weekday].append(
                Busy(
                    minutes_of(entry.period.start),
                    minutes_of(entry.period.end),
                    entry.period.number,
                    entry.subject,
                )
            )
        return busy

    def _slot_busy(self, busy, slots, period_of) -> None:
        """Accepted slots of other series occupy their resources too."""
        for slot in slots.exclude(series_id__in=self.running).select_related("series", "host_period"):
            busy[slot.weekday].append(
                Busy(
                    slot.start_minute,
                    slot.end_minute,
                    period_of(slot),
                    _("sync lesson %(subject)s") % {"subject": slot.series.subject},
                    sync=True,
                )
            )

    def teacher(self, person) -> Resource:
        busy = self._entry_busy(TimetableEntry.objects.filter(teacher=person))
        self._slot_busy(
            busy,
            SeriesSlot.objects.filter(accepted=True, series__host_teacher=person),
            lambda slot: slot.host_period.number,
        )
        return Resource(f"teacher:{person.pk}", person.name, (), dict(busy))

    def room(self, classroom) -> Resource:
        busy = self._entry_busy(TimetableEntry.objects.filter(classroom=classroom))
        self._slot_busy(
            busy,
            SeriesSlot.objects.filter(accepted=True, series__host_classroom=classroom),
            lambda slot: slot.host_period.number,
        )
        return Resource(f"room:{classroom.pk}", str(classroom), (), dict(busy))

    def receiving_class(self, class_group) -> Resource:
        busy = self._entry_busy(TimetableEntry.objects.filter(class_group=class_group))
        key = str(class_group.pk)
        self._slot_busy(
            busy,
            SeriesSlot.objects.filter(accepted=True, series__receiving_classes=class_group),
            lambda slot: int(slot.receiver_periods.get(key, 0)),
        )
        label = f"{class_group.school.name} {class_group}"
        return Resource(f"class:{class_group.pk}", label, self.grid(class_group.school_id), dict(busy))

    def spec(self, series: SyncSeries) -> SeriesSpec:
        host_school = series.host_classroom.school
        problems = []
        host_grid = self.grid(host_school.pk)
        if not host_grid:
            problems.append({"type": "problem", "code": "no_periods", "resource": host_school.name})
        if not series.host_classroom.host_capable:
            problems.append(
                {"type": "problem", "code": "host_equipment", "resource": str(series.host_classroom)}
            )
        receivers = []
        for class_group in series.receiving_classes.select_related("school", "grade"):
            label = f"{class_group.school.name} {class_group}"
            if not self.grid(class_group.school_id):
                problems.append(
                    {"type": "problem", "code": "no_periods", "resource": class_group.school.name}
                )
            if not class_group.home_classrooms.filter(receiver_capable=True).exists():
                problems.append({"type": "problem", "code": "receiver_equipment", "resource": label})
            receivers.append(self.receiving_class(class_group))
        if not receivers:
            problems.append({"type": "problem", "code": "no_receivers", "resource": str(series)})
        return SeriesSpec(
            key=series.pk,
            label=f"{series.alliance.name} · {series.subject} · {series.host_teacher.name}",
            lessons_per_week=series.lessons_per_week,
            minutes=series.minutes,
            host_periods=host_grid,
            host=[self.teacher(series.host_teacher), self.room(series.host_classroom)],
            receivers=receivers,
            core=series.core_subject,
            allow_same_day=series.allow_same_day,
            problems=problems,
        )


def build_instance(series_list, *, progress: Callable[[int], None] | None = None) -> list[SeriesSpec]:
    """Specs for these series. Names in them (kept in explanations) use the platform's language, not
    the language of whoever pressed "schedule", so every reader sees the same school and class names.
    ``progress(done)`` hears how many series are read, every ``PROGRESS_EVERY`` and at the end."""
    builder = InstanceBuilder({s.pk for s in series_list})
    specs = []
    with translation.override(settings.LANGUAGE_CODE):
        for done, series in enumerate(series_list, start=1):
            specs.append(builder.spec(series))
            if progress and (done % PROGRESS_EVERY == 0 or done == len(series_list)):
                progress(done)
    return specs


PROGRESS_EVERY = 10
