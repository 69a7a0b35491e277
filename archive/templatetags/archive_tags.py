from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from archive.search import START_MARK, STOP_MARK

register = template.Library()


@register.filter
def highlight(text):
    """Escape a headline, then (and only then) turn its sentinels into <mark> tags."""
    if not text:
        return ""
    escaped = escape(text)
    return mark_safe(escaped.replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>"))  # noqa: S308


@register.simple_tag(takes_context=True)
def toggle_url(context, name, value):
    """Return the current search URL with one facet value switched on or off, back on page 1."""
    params = context["request"].GET.copy()
    values = params.getlist(name)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def without_url(context, *names):
    """Return the current search URL without the named parameters, back on page 1."""
    params = context["request"].GET.copy()
    for name in (*names, "page"):
        params.pop(name, None)
    return "?" + params.urlencode()
