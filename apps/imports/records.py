"""Edits of one record of a client's database (R-EXP-3), shared by pages, API and admin.

The shared company is corrected as an import corrects it (`company_correct`, R-IMP-3:
recently verified values stay, the client's go "to verify"); persons through
`apps.prospects.services` (which verifies them, R-RET-3); the prospect's own extra columns are the client's alone.
Deleting a record is `apps.prospects.services.prospect_delete`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError
from apps.prospects.models import Person, Prospect
from apps.prospects.services import company_correct, person_update


@transaction.atomic
def prospect_record_update(
    *,
    prospect: Prospect,
    actor: Any,
    company: dict[str, Any] | None = None,
    persons: list[dict[str, Any]] | None = None,
    extra: dict[str, str] | None = None,
) -> Prospect:
    """Correct a record: its company, its linked persons (by id), its extra columns."""
    if company:
        prospect.company = company_correct(prospect=prospect, actor=actor, **company)
    for values in persons or []:
        values = dict(values)
        person_id = values.pop("id", None)
        try:
            person = prospect.persons.get(pk=person_id)
        except (Person.DoesNotExist, ValueError, TypeError) as exc:
            raise ServiceError(_("This contact person is not part of the record.")) from exc
        person_update(person=person, actor=actor, **values)
    if extra is not None:
        columns = set(prospect.assignment.extra_columns)
        unknown = set(extra) - columns
        if unknown:
            raise ServiceError(_("Unknown extra columns: %(columns)s") % {"columns": ", ".join(sorted(unknown))})
        prospect.extra = {**prospect.extra, **{k: str(v) for k, v in extra.items()}}
        prospect.save(update_fields=["extra"])
    return prospect


def to_verify_message(fields: list[str]) -> str:
    """What the client is told when values of theirs went "to verify" (R-IMP-3)."""
    from apps.prospects.models import Company

    labels = ", ".join(str(Company._meta.get_field(f).verbose_name) for f in fields)
    return _(
        "Our agents will verify these changes with the company before they replace the current data: %(fields)s."
    ) % {"fields": labels}
