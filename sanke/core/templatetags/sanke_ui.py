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
