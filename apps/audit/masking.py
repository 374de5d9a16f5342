"""Audit-log masking: personal fields are masked completely.

django-auditlog's default mask keeps half of the value readable, which would leave a
copy of a deleted person's name or email in the change log (R-DEL-1).
"""

MASK = "[redacted]"


def mask_fully(value: str) -> str:
    return MASK
