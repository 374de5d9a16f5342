"""The public privacy statement's version and the cookies it declares (issue 14 #9).

Bump STATEMENT_VERSION and STATEMENT_DATE with every change of its text that changes what
a reader is told; the page shows both. COOKIES is the whole list of cookies the site sets
(functional only: no analytics, no tracking, so no consent banner); a test collects every
Set-Cookie the application sends and fails on one that is not listed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STATEMENT_VERSION = "3"
STATEMENT_DATE = dt.date(2026, 11, 27)


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Promise
    lifetime: Promise


def cookies() -> list[Cookie]:
    from apps.accounts.throttle import KNOWN_DEVICE_COOKIE

    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you logged in while you work; set only when you log in."),
            _("until you log out or the session ends (at most one working day)"),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("Protects the forms on this site against submissions from other websites."),
            _("one year"),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose (Dutch or English)."),
            _("one year, or until you close the browser"),
        ),
        Cookie(
            KNOWN_DEVICE_COOKIE,
            _(
                "Remembers that this browser logged in to an account before, so that someone else "
                "guessing that account's password cannot slow you down."
            ),
            _("90 days"),
        ),
    ]
