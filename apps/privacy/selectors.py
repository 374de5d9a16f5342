from __future__ import annotations

from django.db.models import Q

from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import SuppressionEntry


def is_suppressed(hashes: IdentifierHashes) -> bool:
    """Is a person with these identifiers on the suppression list? (R-IMP-5)"""
    condition = Q()
    for field, value in (
        ("email_hash", hashes.email),
        ("phone_hash", hashes.phone),
        ("name_company_hash", hashes.name_company),
    ):
        if value:
            condition |= Q(**{field: value})
    return bool(condition) and SuppressionEntry.objects.filter(condition).exists()
