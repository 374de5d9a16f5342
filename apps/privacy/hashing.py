"""Keyed hashes of a person's identifiers: the suppression list and the erasure ledger keep
these, never readable personal data (R-IMP-5, R-DSR-4).

HMAC-SHA256 with `PRIVACY_HASH_KEY`, over the normalised value, so that "Jan@Bakker.nl"
and "jan@bakker.nl " hash alike, and nobody without the key can test a guess against the
list. The key must stay the same for the life of the data: rotating it orphans every entry.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings

from apps.prospects import normalise


def _hash(kind: str, value: str) -> str:
    if not value:
        return ""
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.PRIVACY_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def name_key(first_name: str, last_name: str, company_name: str) -> str:
    person = " ".join(f"{first_name} {last_name}".lower().split())
    company = normalise.company_name(company_name)
    return f"{person}|{company}" if person and company else ""


@dataclass(frozen=True)
class IdentifierHashes:
    email: str
    phone: str
    name_company: str

    @classmethod
    def of(
        cls, *, email: str = "", phone: str = "", first_name: str = "", last_name: str = "", company_name: str = ""
    ) -> IdentifierHashes:
        """Hashes of whatever identifiers are known; an unparseable email or phone hashes as given."""
        try:
            email = normalise.email(email)
        except ValueError:
            email = email.strip().lower()
        try:
            phone = normalise.phone(phone)
        except ValueError:
            phone = phone.strip()
        return cls(
            email=_hash("email", email),
            phone=_hash("phone", phone),
            name_company=_hash("name_company", name_key(first_name, last_name, company_name)),
        )

    @classmethod
    def of_stored(
        cls, *, email: str = "", phone: str = "", first_name: str = "", last_name: str = "", company_name: str = ""
    ) -> IdentifierHashes:
        """Hashes of a stored person's values, which were normalised when written (email
        lower-cased, phone E.164): the same hashes as `of`, without parsing every phone
        number again (the 12-month purge hashes 100,000 persons in one run)."""
        email = email.strip().lower()
        if phone and not _E164.match(phone):
            names = {"first_name": first_name, "last_name": last_name, "company_name": company_name}
            return cls.of(email=email, phone=phone, **names)
        return cls(
            email=_hash("email", email),
            phone=_hash("phone", phone),
            name_company=_hash("name_company", name_key(first_name, last_name, company_name)),
        )


_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def keyed_hash(kind: str, value: str) -> str:
    """The keyed hash of any value (e.g. a note's text in the erasure ledger, to recognise
    it without keeping it)."""
    return _hash(kind, value)
