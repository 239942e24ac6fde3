from django import template

from reports.figures import show_rate

register = template.Library()


@register.filter
def pct(value) -> str:
    """90.56 → "90.56%"; no denominator → "—"."""
    return show_rate(value)
