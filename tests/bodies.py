"""Reading response bodies for values that must not be there (issue 11 #2): any notation of
a phone number, an email's local part, streamed downloads, .xlsx files, HTML and URL
escapes. Used by tests/test_matrix_bodies.py; usable by any test that walks pages.
"""

from __future__ import annotations

import html
import io
import re
import urllib.parse
import zipfile
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.db import transaction
from django.test import Client as HttpClient


# --- Values, and finding them in any notation ------------------------------------------
@dataclass(frozen=True)
class Values:
    """Values that must not show, each matched as people write it."""

    texts: tuple[str, ...] = ()  # names, emails, company data: case-insensitive
    phones: tuple[str, ...] = ()  # E.164: matched on their digits, any notation

    def found_in(self, body: str) -> list[str]:
        lowered = body.lower()
        found = [t for t in self.texts if t.lower() in lowered]
        found += [p for p in self.phones if phone_pattern(p).search(body)]
        return found


def phone_pattern(e164: str) -> re.Pattern[str]:
    """The national significant number, digit by digit, with any separators between: it is
    inside +31 6 12…, 0031612…, 06-12…, (06) 12 …, tel:%2B3161… alike."""
    number = phonenumbers.parse(e164, None)
    digits = str(number.national_number)
    return re.compile(r"[\s.\-/()]*".join(digits))


def email_texts(email: str) -> tuple[str, ...]:
    # The local part too: it survives URL-encoding (%40) and "name [at] domain".
    return (email, email.split("@")[0])


def response_text(response: Any) -> str:
    """Everything a response hands over: headers, the redirects followed, the body (a
    streamed download read to its end, an .xlsx unzipped), HTML entities and URL escapes undone."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [f"{k}: {v}" for k, v in response.items()]
    parts += [url for url, _status in getattr(response, "redirect_chain", [])]
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    else:
        parts.append(raw.decode("utf-8", "replace"))
    text = "\n".join(parts)
    return "\n".join((text, html.unescape(text), urllib.parse.unquote(text)))


HTMX = {"HTTP_HX_REQUEST": "true"}


def read(http: HttpClient, method: str, url: str, data: dict | None = None, **headers: str) -> str:
    """One request in a savepoint rolled back afterwards; its body read inside it (a
    streamed download reads the database while it is consumed)."""
    with transaction.atomic():
        response = getattr(http, method)(url, data or {}, follow=True, **headers)
        body = response_text(response)
        transaction.set_rollback(True)
    return body
