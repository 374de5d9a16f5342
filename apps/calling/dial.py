"""Phone numbers as an agent reads and dials them (R-DIAL-1).

Numbers are stored in E.164 (`+31201234567`, SPEC §4 "Values are normalised"). A Dutch agent
reads them in the national format ("020 123 4567", "06 1234 5678"); a foreign number keeps
its country code ("+32 471 12 34 56"). Dialling goes through `DIAL_URI_TEMPLATE`, a
per-deployment setting: `tel:{e164}` by default, `sip:{e164}@pbx.example`, `callto:{e164}`
or a softphone's own scheme; `{national}` gives the national digits (`0201234567`).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

import phonenumbers
from django.conf import settings

HOME_REGION = "NL"


@lru_cache(maxsize=4096)
def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(value, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def phone_display(value: str | None) -> str:
    """The number as a Dutch agent reads it; an unparseable value as it stands."""
    if not value:
        return ""
    number = _parse(value)
    if number is None:
        return value
    if phonenumbers.region_code_for_number(number) != HOME_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = national.replace(" ", "")
    # Mobile numbers: the library writes "06 12345678"; people write "06 1234 5678".
    if digits.startswith("06") and len(digits) == 10:
        return f"06 {digits[2:6]} {digits[6:]}"
    return national


def phone_uri(value: str | None) -> str:
    """The link that dials the number, from DIAL_URI_TEMPLATE; "" when it is no number."""
    if not value:
        return ""
    number = _parse(value)
    if number is None:
        return ""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    return settings.DIAL_URI_TEMPLATE.format(e164=quote(e164, safe="+"), national=quote(national, safe=""))


def website_url(value: str | None) -> str:
    """A company's website as a link: an address without a scheme gets https://; anything
    that is not http(s) is no link (no javascript: URLs from an upload)."""
    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value:
        return f"https://{value}"
    return value if value.lower().startswith(("http://", "https://")) else ""
