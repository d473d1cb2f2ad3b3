"""Template helpers: Django form fields with Tabler (Bootstrap 5) classes, job progress, durations."""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def widget_class(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    return "input"


@register.simple_tag
def render_widget(field):
    """The field's widget with the Bootstrap class for its kind, marked invalid when it has errors."""
    kind = widget_class(field)
    css = {"checkbox": "form-check-input", "select": "form-select", "input": "form-control"}[kind]
    if field.errors:
        css += " is-invalid"
    if type(field.field.widget) is forms.Select:
        html = select_html(field, {"class": css})
        if html is not None:
            return html
    return field.as_widget(attrs={"class": css})


def select_html(field, attrs: dict) -> str | None:
    """A plain ``<select>`` written here rather than through Django's widget templates, which render every
    ``<option>`` as a template of its own (~0.5 ms each: a filter offering a county's 150 schools cost more
    than the rest of its page). The same attributes as ``BoundField.as_widget``; None for grouped choices,
    which Django renders."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    chosen = set(widget.format_value(field.value()))
    options = []
    for value, label in widget.choices:
        if isinstance(label, list | tuple):
            return None
        value = "" if value is None else str(value)
        selected = value in chosen
        if selected:
            chosen = set()  # a single select marks its first match only, as Django's does
        marked = mark_safe(" selected") if selected else ""
        options.append(format_html('<option value="{}"{}>{}</option>', value, marked, label))
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        flatatt(widget.build_attrs(widget.attrs, attrs)),
        mark_safe("".join(options)),
    )


@register.inclusion_tag("core/job_progress.html")
def job_progress(job, status_url: str, *, testid: str = "job", note: str = ""):
    """The progress card of a running background job (``sanke.core.jobs``): phase, bar, count, estimate.

    Its words come from the job's kind (``PHASE_TEXTS``, ``PROGRESS_TEXT``) and reach the page module
    (``job-progress.js``) as a JSON data block, so the module holds no words and the page no inline code.
    """
    from django.utils.translation import gettext

    from sanke.core.jobs import job_status

    status = job_status(job)
    phases = {key: str(text) for key, text in job.PHASE_TEXTS.items()}
    first = next(iter(phases.values()), "")
    current = phases.get("queued", first) if job.status == "queued" else phases.get(job.phase, first)
    texts = {
        "phases": phases,
        "running": gettext("Running"),
        "rows": str(job.PROGRESS_TEXT) % {"done": "{done}", "total": "{total}"},
        "left": gettext("about %(time)s left") % {"time": "{time}"},
        "minutes": gettext("%(n)s min") % {"n": "{n}"},
        "seconds": gettext("%(n)s s") % {"n": "{n}"},
    }
    return {
        "job": job,
        "status": status,
        "status_url": status_url,
        "testid": testid,
        "note": note,
        "phase_text": current,
        "rows_text": str(job.PROGRESS_TEXT) % {"done": status["rows_done"], "total": status["rows_total"]},
        "texts": texts,
    }


@register.filter
def duration(seconds) -> str:
    """A video's length as people say it: "38 分 12 秒" / "38 min 12 s" (under a minute, seconds only)."""
    try:
        total = max(0, round(float(seconds)))
    except (TypeError, ValueError):
        return "—"
    minutes, rest = divmod(total, 60)
    if not minutes:
        return gettext("%(s)d s") % {"s": rest}
    return gettext("%(m)d min %(s)d s") % {"m": minutes, "s": rest}
