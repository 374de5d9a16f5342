"""A spreadsheet number as the spreadsheet showed it (R-IMP-7, R-IMP-8).

`number_text` gives the shortest exact decimal of a float as Excel holds it (15
significant digits: 68.665 and not 68.66499999999999, 0.3 for =0.1+0.2, and an 18-digit
number in digits, not 1.234567890123457e+17). `formatted` applies a cell's number format
code: leading zeros (`000000`), fixed decimals, percentages, scientific notation, literal
text and currency symbols, and dates and times whose code holds numeric parts only.

Deliberate limits: thousands separators are not written (Excel shows them in the reader's
locale, which the file does not record; "1234.5" reads the same everywhere), the decimal
separator is a point, and what this module does not render (fractions, conditions,
elapsed times, month and day names, locale-dependent built-in dates) returns None: the
caller falls back to the plain value (ISO dates, the shortest decimal).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

# Built-in number formats (ECMA-376 §18.8.30) that are not locale-dependent. Dates whose
# appearance depends on the reader's locale (14, 15-17, 22, 27-36, 50-58) are left to the
# plain ISO rendering.
BUILTIN = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
    37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}  # fmt: skip
PLAIN_CODES = frozenset({"General", "general", "@", ""})
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def number_text(value: float) -> str:
    """The shortest decimal that Excel's 15 significant digits give, without an exponent."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    digits = text.split("e")[0].replace("-", "").replace(".", "").strip("0")
    if len(digits) > 15:
        text = f"{value:.15g}"
    number = Decimal(text)
    if number == 0:
        return "0"
    if abs(number) >= Decimal("1e21") or abs(number) < Decimal("1e-10"):
        return f"{value:.15g}"
    plain = format(number, "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return plain


@lru_cache(maxsize=256)
def _sections(code: str) -> list[str]:
    sections, current, quoted, escaped = [], [], False, False
    for ch in code:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
    sections.append("".join(current))
    return sections


_BRACKET = re.compile(r"\[([^\]]*)\]")


@lru_cache(maxsize=512)
def _tokens(section: str) -> list[tuple[str, str]] | None:
    """('lit', text) and ('code', char) tokens; None for what we do not render."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            if end < 0:
                return None
            out.append(("lit", section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append(("lit", section[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(section):
            i += 2  # padding and fill characters: no visible text of their own
        elif ch == "[":
            end = section.find("]", i)
            if end < 0:
                return None
            inner = section[i + 1 : end]
            if inner.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    out.append(("lit", symbol))
            elif inner[:1] in "<>=" or inner.lower()[:1] in "hms":
                return None  # conditions and elapsed times
            # colours and the like: nothing to show
            i = end + 1
        else:
            out.append(("code", ch))
            i += 1
    return out


_DATE_CHARS = set("yYdDhHsS")


def formatted(value: object, code: str) -> str | None:
    """`value` (a float, or a date/time calamine already converted) shown with `code`."""
    if code in PLAIN_CODES:
        return None
    sections = _sections(code)
    if isinstance(value, dt.date | dt.time):
        return _date(value, sections[0])
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    section = sections[0]
    negative_section = False
    if number < 0 and len(sections) > 1 and sections[1] != "":
        section, number, negative_section = sections[1], -number, True
    elif number == 0 and len(sections) > 2 and sections[2] != "":
        section = sections[2]
    tokens = _tokens(section)
    if tokens is None:
        return None
    codes = "".join(c for kind, c in tokens if kind == "code")
    if "@" in codes:
        return None
    if _DATE_CHARS & set(codes) or ("m" in codes.lower() and not set(codes) & set("0#?")):
        serial = number if not negative_section else -number
        if serial < 0 or serial > 2958465:
            return None
        moment = EXCEL_EPOCH + dt.timedelta(days=serial)
        return _date(moment, section)
    if "/" in codes:
        return None  # fractions
    text = _number(number, tokens)
    if text is None:
        return None
    if number < 0 and not negative_section and len(sections) == 1 and not text.startswith("-"):
        if any(ch != "0" for ch in text if ch.isdigit()):
            text = "-" + text
    return text


def _number(number: float, tokens: list[tuple[str, str]]) -> str | None:
    placeholders = "0#?.,%Ee+-"
    first = next((i for i, (k, c) in enumerate(tokens) if k == "code" and c in "0#?"), None)
    if first is None:
        # Only literals (e.g. "-" or a text): Excel shows those.
        return "".join(c for _k, c in tokens)
    last = max(i for i, (k, c) in enumerate(tokens) if k == "code" and c in "0#?")
    body = "".join(c for k, c in tokens[first : last + 1] if k == "code")
    if any(ch not in placeholders for ch in body):
        return None
    percent = sum(1 for k, c in tokens if k == "code" and c == "%")
    value = abs(number) * (100**percent)
    exponent_at = body.upper().find("E")
    if exponent_at >= 0:
        mantissa_code = body[:exponent_at]
        decimals = _decimals(mantissa_code)
        text = f"{value:.{decimals[1]}E}"
        mantissa, exp = text.split("E")
        exp_digits = sum(1 for ch in body[exponent_at:] if ch in "0#?") or 1
        sign = "-" if exp.startswith("-") else "+"
        middle = _trim(mantissa, decimals) + "E" + sign + str(abs(int(exp))).zfill(exp_digits)
    else:
        integer_code, _, fraction_code = body.partition(".")
        # Commas right after the last digit placeholder scale by a thousand each.
        scale = 0
        for kind, ch in tokens[last + 1 :]:
            if kind != "code" or ch != ",":
                break
            scale += 1
        value /= 1000**scale
        decimals = _decimals("." + fraction_code) if "." in body else (0, 0)
        try:
            rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals[1]), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return None
        text = format(rounded, "f")
        whole, _, fraction = text.partition(".")
        min_integer = integer_code.count("0")
        whole = whole.lstrip("0").zfill(min_integer) if min_integer or whole != "0" else ""
        if whole == "" and min_integer == 0 and not fraction.rstrip("0"):
            whole = "0"
        fraction = fraction.rstrip("0").ljust(decimals[0], "0")
        middle = whole + ("." + fraction if fraction else "")
    before = "".join(c for k, c in tokens[:first] if k == "lit" or c not in "#0?,")
    after = "".join(c for k, c in tokens[last + 1 :] if k == "lit" or c not in "#0?,")
    return before + middle + after


def _decimals(code: str) -> tuple[int, int]:
    """(minimum, maximum) decimals of the part from the decimal point on."""
    if "." not in code:
        return 0, 0
    fraction = code.split(".", 1)[1]
    return fraction.count("0"), sum(1 for ch in fraction if ch in "0#?")


def _trim(mantissa: str, decimals: tuple[int, int]) -> str:
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0").ljust(decimals[0], "0")
    return whole + ("." + fraction if fraction else "")


_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+", re.IGNORECASE)


def _date(value: object, section: str) -> str | None:
    tokens = _tokens(section)
    if tokens is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, dt.time):
        moment = dt.datetime(1899, 12, 30, value.hour, value.minute, value.second, value.microsecond)
    else:
        return None
    # Re-join the code characters, keeping literals apart, then read the date parts.
    pieces: list[tuple[str, str]] = []
    for kind, text in tokens:
        if pieces and pieces[-1][0] == kind == "code":
            pieces[-1] = ("code", pieces[-1][1] + text)
        else:
            pieces.append((kind, text))
    parts: list[tuple[str, str]] = []  # ("tok", token) | ("lit", text)
    for kind, text in pieces:
        if kind == "lit":
            parts.append(("lit", text))
            continue
        pos = 0
        for match in _DATE_TOKEN.finditer(text):
            if match.start() > pos:
                parts.append(("lit", text[pos : match.start()]))
            parts.append(("tok", match.group(0).lower()))
            pos = match.end()
        if pos < len(text):
            parts.append(("lit", text[pos:]))
    tok_list = [t for k, t in parts if k == "tok"]
    if any(t in ("mmm", "mmmm", "ddd", "dddd") for t in tok_list):
        return None  # names of months and days: the reader's language, not the file's
    twelve_hour = any(t in ("am/pm", "a/p") for t in tok_list)
    out = []
    for index, (kind, text) in enumerate(parts):
        if kind == "lit":
            if any(ch.isalpha() for ch in text):
                return None  # an unknown code letter
            out.append(text)
            continue
        if text in ("mm", "m"):
            # Minutes after hours or before seconds, else the month.
            previous = next((t for k, t in reversed(parts[:index]) if k == "tok"), "")
            following = next((t for k, t in parts[index + 1 :] if k == "tok"), "")
            minute = previous.startswith("h") or following.startswith("s")
            number = moment.minute if minute else moment.month
            out.append(f"{number:02d}" if text == "mm" else str(number))
        elif text == "yyyy":
            out.append(f"{moment.year:04d}")
        elif text == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif text in ("dd", "d"):
            out.append(f"{moment.day:02d}" if text == "dd" else str(moment.day))
        elif text in ("hh", "h"):
            hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
            out.append(f"{hour:02d}" if text == "hh" else str(hour))
        elif text in ("ss", "s"):
            out.append(f"{moment.second:02d}" if text == "ss" else str(moment.second))
        elif text in ("am/pm", "a/p"):
            out.append(("AM" if moment.hour < 12 else "PM") if text == "am/pm" else ("A" if moment.hour < 12 else "P"))
        elif text.startswith("."):
            digits = len(text) - 1
            out.append("." + f"{moment.microsecond:06d}"[:digits])
    return "".join(out)
