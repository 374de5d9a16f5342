"""A password check against common and guessable passwords that works offline (R-SEC-1,
issue 15 #6), beside Django's own validators (settings.AUTH_PASSWORD_VALIDATORS).

Django's CommonPasswordValidator compares the whole password with its list of 20,000, so
`password123!` or `Leadhunter2026` pass: a common word with digits and symbols stuck on,
or the name of the site with a year. Guessing tools try exactly those variations first.
This validator strips the decoration (leading and trailing digits and symbols, common
letter-for-digit swaps) and refuses the password when what remains is a common password,
a word of this site (`PASSWORD_CONTEXT_WORDS`), or too little: fewer than
`PASSWORD_MIN_CORE` letters-or-inner-characters, or only a few distinct characters.
No network: the list ships with Django (and can be extended with a local file).
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def _common() -> frozenset[str]:
    words = set(CommonPasswordValidator().passwords)
    extra = getattr(settings, "PASSWORD_EXTRA_LIST", "")
    if extra:  # one password a line, optionally gzipped; kept offline on purpose
        path = Path(extra)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:  # type: ignore[operator]
            words.update(line.strip().lower() for line in lines if line.strip())
    return frozenset(words)


def _cores(password: str) -> set[str]:
    """The password's likely base words: as typed, without its decoration, de-leeted."""
    lowered = password.lower()
    cores = {lowered, _DECORATION.sub("", lowered)}
    cores |= {_DECORATION.sub("", core.translate(_LEET)) for core in list(cores)}
    cores |= {core.translate(_LEET) for core in list(cores)}
    return {core for core in cores}


class GuessablePasswordValidator:
    def validate(self, password: str, user: object = None) -> None:
        cores = _cores(password)
        stripped = _DECORATION.sub("", password.lower())
        context = {word.lower() for word in settings.PASSWORD_CONTEXT_WORDS}
        if cores & _common() or any(
            core in context or any(core.startswith(word) or core.endswith(word) for word in context)
            for core in cores
            if core
        ):
            raise ValidationError(
                _("This password is a common password or the name of this site with a few characters added."),
                code="password_guessable",
            )
        if len(stripped) < settings.PASSWORD_MIN_CORE or len(set(password.lower())) < 5:
            raise ValidationError(
                _("This password is mostly digits, symbols or repeated characters."),
                code="password_guessable",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a common password or this site's name with a few characters added.")
