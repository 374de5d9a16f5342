"""Our escape of formula-like text (R-EXP-2) and its exact undoing on re-import (R-IMP-7).

Rule (CSV only; an xlsx cell we write is a text cell whose "quote prefix" is a style, not
part of the value, so nothing is added or undone there):
- on download, a value that starts with = + - @ tab or CR, possibly behind apostrophes,
  gets one more leading apostrophe; a plain phone number (`+31612345678`, `+31 6 1234 5678`)
  is left as it is (no formula can hide in digits);
- on upload, a CSV cell that starts with an apostrophe followed by (apostrophes and) one of
  those characters loses exactly one apostrophe.
So download → upload gives back the stored value, including a client's own text that
starts with an apostrophe (`'=x` is written `''=x` and read back as `'=x`). A spreadsheet
never saves its "text" apostrophe into a CSV, so a CSV holding `'=1+1` was escaped by a tool
like ours and means `=1+1`.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A value of ours that is escaped in CSV: a formula start, possibly behind apostrophes (so
# that the client's own leading apostrophe survives the round trip, see unescape_formula).
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")
# A phone number as we store it (E.164) or as people write it: no formula can hide in it.
_PLAIN_PHONE = re.compile(r"\+[0-9][0-9 ]{5,19}")


def escape_formula(value: str) -> str:
    """CSV: text a spreadsheet would run as a formula gets a leading apostrophe (R-EXP-2);
    a plain phone number is left as it is. Reversed exactly by `unescape_formula`."""
    if _ESCAPED.match(value) and not _PLAIN_PHONE.fullmatch(value):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Undo `escape_formula` on a CSV cell read back (R-IMP-7): one apostrophe off a value
    that starts with apostrophes and then a formula character. A spreadsheet never saves
    such an apostrophe into a CSV of its own (it is the "text" marker, not content), so
    this is our escape (or an identical one), never the client's text."""
    if value.startswith("'") and _ESCAPED.match(value, 1):
        return value[1:]
    return value
