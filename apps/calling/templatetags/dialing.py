from __future__ import annotations

from django import template

from apps.calling.dial import phone_display, phone_uri, website_url

register = template.Library()

register.filter("phone_display", phone_display)
register.filter("phone_uri", phone_uri)
register.filter("website_url", website_url)
