from __future__ import annotations

from django import template

from apps.calling.dial import phone_display, phone_uri, website_url

register = template.Library()

register.filter("phone_display", phone_display)
register.filter("phone_uri", phone_uri)
register.filter("website_url", website_url)


@register.filter
def duration(seconds: int | float | None) -> str:
    """Seconds as m:ss (h:mm:ss from an hour): a handle time as the agent's timer showed it."""
    if seconds is None or seconds == "":
        return "–"
    seconds = int(round(float(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
