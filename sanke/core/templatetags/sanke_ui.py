"""Template helpers for rendering Django form fields with Tabler (Bootstrap 5) classes."""

from django import forms, template

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
    return field.as_widget(attrs={"class": css})


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
