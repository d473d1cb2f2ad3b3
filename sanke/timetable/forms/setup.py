"""Forms of the timetable set-up pages: terms with their calendar, period grids, timetable cells.

They validate what a school clerk types; the actions in ``sanke.timetable.actions`` save it.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanke.core.text import normalize_text
from sanke.org.choices import PersonKind
from sanke.timetable.choices import DayKind, Weekday
from sanke.timetable.imports import parse_weekday
from sanke.timetable.models import CalendarDay, Period, Term, TimetableEntry

NOTE_LENGTH = CalendarDay._meta.get_field("note").max_length
MAX_RANGE_DAYS = 366

_DATE_RE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")
# "2026-10-01", "2026-10-01~2026-10-07" (also ～, 至, –, — or " - "), then an optional note
_HOLIDAY_RE = re.compile(
    r"(?P<first>[^\s~～至–—]+)"
    r"(?:\s*[~～至–—]\s*(?P<last>[^\s~～至–—]+)|\s+-\s+(?P<last2>\S+))?"
    r"(?:\s+(?P<note>.*))?"
)
_MAKEUP_RE = re.compile(r"(?P<date>\S+)(?:\s+(?P<weekday>\S+))?(?:\s+(?P<note>.*))?")


def parse_date(text: str) -> dt.date | None:
    """A date written as 2026-10-01, 2026/10/01, 2026.10.01 or 2026年10月1日; None if it is none."""
    match = _DATE_RE.fullmatch(normalize_text(text))  # "２０２６－１０－０１" as typed full-width
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _lines(text: str):
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


class CalendarText:
    """Turns the two text boxes of the term form into CalendarDay objects, collecting every problem.

    ``errors`` maps the form field ("holidays" / "makeup_days") to messages naming the line.
    """

    def __init__(self, start: dt.date | None, end: dt.date | None):
        self.start, self.end = start, end
        self.days: list[CalendarDay] = []
        self.errors: dict[str, list[str]] = {}
        self._seen: dict[dt.date, tuple[str, int]] = {}

    def _error(self, field: str, line: int, message: str) -> None:
        self.errors.setdefault(field, []).append(
            _("line %(line)d: %(message)s") % {"line": line, "message": message}
        )

    def _date(self, field: str, line: int, text: str) -> dt.date | None:
        date = parse_date(text)
        if date is None:
            self._error(field, line, _("%(text)s is not a date (write e.g. 2026-10-01)") % {"text": text})
        return date

    def _inside(self, field: str, line: int, date: dt.date) -> bool:
        if self.start and self.end and not self.start <= date <= self.end:
            self._error(
                field,
                line,
                _("%(date)s is outside the term (%(start)s – %(end)s)")
                % {"date": date.isoformat(), "start": self.start.isoformat(), "end": self.end.isoformat()},
            )
            return False
        return True

    def _note(self, field: str, line: int, note: str) -> str | None:
        note = (note or "").strip()
        if len(note) > NOTE_LENGTH:
            self._error(field, line, _("the note is longer than %(n)d characters") % {"n": NOTE_LENGTH})
            return None
        return note

    def _add(self, field: str, line: int, day: CalendarDay) -> None:
        if day.date in self._seen:
            other_field, other_line = self._seen[day.date]
            where = (
                _("line %(line)d") % {"line": other_line}
                if other_field == field
                else _("line %(line)d of the other list") % {"line": other_line}
            )
            self._error(
                field, line, _("%(date)s is already given on %(where)s") % {"date": day.date, "where": where}
            )
            return
        self._seen[day.date] = (field, line)
        self.days.append(day)

    def read_holidays(self, text: str, field: str = "holidays") -> None:
        for line, content in _lines(text):
            match = _HOLIDAY_RE.fullmatch(content)
            if match is None:  # pragma: no cover - the pattern accepts any non-empty line
                self._error(field, line, _("cannot read %(text)s") % {"text": content})
                continue
            first = self._date(field, line, match["first"])
            last_text = match["last"] or match["last2"]
            last = self._date(field, line, last_text) if last_text else first
            note = self._note(field, line, match["note"])
            if first is None or last is None or note is None:
                continue
            if last < first:
                self._error(field, line, _("the range ends before it starts"))
                continue
            if (last - first).days >= MAX_RANGE_DAYS:
                self._error(field, line, _("the range is longer than a year"))
                continue
            if not (self._inside(field, line, first) and self._inside(field, line, last)):
                continue
            for offset in range((last - first).days + 1):
                date = first + dt.timedelta(days=offset)
                self._add(field, line, CalendarDay(date=date, kind=DayKind.HOLIDAY, note=note))

    def read_makeup_days(self, text: str, field: str = "makeup_days") -> None:
        for line, content in _lines(text):
            match = _MAKEUP_RE.fullmatch(content)
            if match is None:  # pragma: no cover - the pattern accepts any non-empty line
                self._error(field, line, _("cannot read %(text)s") % {"text": content})
                continue
            date = self._date(field, line, match["date"])
            if date is None:
                continue
            if not match["weekday"]:
                self._error(
                    field,
                    line,
                    _("say whose timetable %(date)s follows, e.g. %(date)s 周三")
                    % {"date": date.isoformat()},
                )
                continue
            weekday = parse_weekday(match["weekday"])
            if weekday is None:
                self._error(
                    field,
                    line,
                    _("%(text)s is not a weekday (write 1–7, 周三 or 星期三)") % {"text": match["weekday"]},
                )
                continue
            note = self._note(field, line, match["note"])
            if note is None or not self._inside(field, line, date):
                continue
            self._add(
                field, line, CalendarDay(date=date, kind=DayKind.MAKEUP, follows_weekday=weekday, note=note)
            )


def holiday_lines(days) -> list[str]:
    """Holidays as the text box shows them: consecutive days with the same note become one range."""
    lines, run = [], []
    for day in sorted((d for d in days if d.kind == DayKind.HOLIDAY), key=lambda d: d.date):
        if run and (day.date - run[-1].date).days == 1 and day.note == run[-1].note:
            run.append(day)
            continue
        if run:
            lines.append(_range_line(run))
        run = [day]
    if run:
        lines.append(_range_line(run))
    return lines


def _range_line(run) -> str:
    dates = run[0].date.isoformat()
    if len(run) > 1:
        dates += f"~{run[-1].date.isoformat()}"
    return f"{dates} {run[0].note}".strip()


def makeup_lines(days) -> list[str]:
    return [
        f"{day.date.isoformat()} {Weekday(day.follows_weekday).label} {day.note}".strip()
        for day in sorted(days, key=lambda d: d.date)
        if day.kind == DayKind.MAKEUP and day.follows_weekday
    ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ClockInput(forms.TimeInput):
    """A 24-hour "08:00" text box: bell times read the same in every browser language (no AM/PM)."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "08:00", "inputmode": "numeric", "maxlength": 5, "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%H:%M")


class TermForm(forms.ModelForm):
    """A term, plus its holidays and make-up days typed one per line (parsed into ``self.days``)."""

    holidays = forms.CharField(
        label=gettext_lazy("Holidays"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "2026-10-01~2026-10-07 国庆节\n2027-01-01 元旦"}
        ),
        help_text=gettext_lazy(
            "One date or range per line, with an optional note after a space: "
            "2026-10-01 or 2026-10-01~2026-10-07 国庆节."
        ),
    )
    makeup_days = forms.CharField(
        label=gettext_lazy("Make-up days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-10-10 周三 国庆调休"}),
        help_text=gettext_lazy(
            "Days taught instead of a holiday (调休), one per line with the weekday whose timetable they "
            "follow: 2026-10-10 周三 or 2026-10-10 3."
        ),
    )

    class Meta:
        model = Term
        fields = ["name", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["name"].widget.attrs.setdefault("placeholder", "2026–2027 学年第一学期")
        self.days: list[CalendarDay] = []
        if self.instance.pk:
            stored = list(self.instance.days.all())
            self.initial.setdefault("holidays", "\n".join(holiday_lines(stored)))
            self.initial.setdefault("makeup_days", "\n".join(makeup_lines(stored)))

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            clash = Term.objects.filter(school=self.instance.school, name=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This school already has a term with this name."))
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            start = end = None  # the model reports the reversed dates; don't judge the days against them
        calendar = CalendarText(start, end)
        calendar.read_holidays(cleaned.get("holidays", ""))
        calendar.read_makeup_days(cleaned.get("makeup_days", ""))
        for field, messages in calendar.errors.items():
            self.add_error(field, messages)
        self.days = calendar.days
        return cleaned


class PeriodForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("Period"), min_value=1, max_value=16)
    start = forms.TimeField(label=gettext_lazy("Starts"), widget=ClockInput())
    end = forms.TimeField(label=gettext_lazy("Ends"), widget=ClockInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("A period ends after it starts."))
        return cleaned


class BasePeriodFormSet(forms.BaseFormSet):
    def grid(self) -> list[tuple[int, dt.time, dt.time]]:
        """(number, start, end) of every filled-in row that is not marked for removal, by number."""
        rows = [
            (form.cleaned_data["number"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        return sorted(rows)


PeriodFormSet = forms.formset_factory(
    PeriodForm, formset=BasePeriodFormSet, extra=2, can_delete=True, max_num=16, validate_max=True
)


def period_initial(school) -> list[dict]:
    return [
        {"number": p.number, "start": p.start, "end": p.end} for p in Period.objects.filter(school=school)
    ]


class EntryForm(forms.ModelForm):
    """One cell of a class's week: subject, teacher and classroom (teachers and rooms of that school)."""

    class Meta:
        model = TimetableEntry
        fields = ["weekday", "period", "subject", "teacher", "classroom"]

    def __init__(self, *args, class_group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.class_group = class_group
        school = class_group.school
        self.fields["period"].queryset = Period.objects.filter(school=school)
        self.fields["teacher"].queryset = school.people.filter(kind=PersonKind.TEACHER).order_by(
            "number", "name"
        )
        self.fields["teacher"].label_from_instance = lambda p: (
            f"{p.name} · {p.subjects}" if p.subjects else p.name
        )
        self.fields["classroom"].queryset = school.classrooms.order_by("name")
        self.fields["classroom"].label_from_instance = lambda room: room.name
        self.fields["subject"].widget.attrs.update({"list": "subject-choices", "autocomplete": "off"})

    def clean(self):
        cleaned = super().clean()
        weekday, period = cleaned.get("weekday"), cleaned.get("period")
        if weekday and period:
            taken = (
                TimetableEntry.objects.filter(
                    class_group=self.instance.class_group, weekday=weekday, period=period
                )
                .exclude(pk=self.instance.pk)
                .first()
            )
            if taken is not None:
                raise ValidationError(
                    _("%(weekday)s period %(n)d already has %(subject)s; edit that cell instead.")
                    % {"weekday": Weekday(weekday).label, "n": period.number, "subject": taken.subject}
                )
        return cleaned
