"""Small helpers for the server-rendered charts (no chart library, nothing from a CDN): a
colour scale for the heatmap and percentages for bars."""

from django import template

register = template.Library()


@register.filter
def heat_style(share):
    """Green (nobody below standard) → amber → red (everyone below), readable text on top."""
    if share is None:
        return "background-color: var(--bs-tertiary-bg)"
    hue = round(120 * (1 - float(share)))
    return f"background-color: hsl({hue}, 65%, 82%)"


@register.filter
def meeting_style(share):
    """The same scale for a share that is good when high (meeting the standard)."""
    return heat_style(None if share is None else 1 - float(share))


@register.filter
def percent_of(part, whole):
    return round(100 * part / whole) if whole else 0


@register.filter
def as_percent(share):
    return "—" if share is None else f"{100 * share:.0f}%"


@register.filter
def one_decimal(value):
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


@register.filter
def level_width(level):
    """A level 1–5 as a bar width in percent."""
    return 0 if level is None else 20 * int(level)
