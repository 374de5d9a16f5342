"""Legal holds (R-HOLD-1): data kept longer during legal proceedings.

The privacy officer puts a hold on a person, a company, an assignment or an HR file, with
a reason and an end date. While it runs, no clock rule deletes or blanks what it names:

- a person: that record;
- a company: the persons at that company (sole traders' data included);
- an assignment: the persons linked to its prospects;
- an employee or applicant file: that file (and a leaver's login account, blanked with it).

Every clock rule selects what it deletes through **one** function, `exclude_held`, which
removes the held rows from its queryset and counts them in the run record
(`held_skipped`); each rule declares the models it deletes (`retention_rule(deletes=...)`)
and `tests/test_legal_hold.py` runs every rule of the beat schedule over held records.
A hold ends on its end date (the rule `legal_hold_expiry` marks it and mails the privacy
officers once) or when an officer lifts it; the next run of the rules then treats the
record as any other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError
from apps.retention.models import HoldKind, LegalHold
from apps.retention.runner import RuleContext, retention_rule

# Per model a rule may delete or blank: per hold kind, the path from the model's rows to
# the held record's id. A model missing here cannot go through `exclude_held` (it raises),
# so a new rule deleting a new kind of record must decide how holds reach it.
HOLD_PATHS: dict[str, dict[str, str]] = {
    "prospects.person": {
        HoldKind.PERSON: "pk",
        HoldKind.COMPANY: "company_id",
        HoldKind.ASSIGNMENT: "prospect_links__prospect__assignment_id",
    },
    # A sole trader's company data (issue 14 #8).
    "prospects.company": {HoldKind.COMPANY: "pk", HoldKind.ASSIGNMENT: "prospects__assignment_id"},
    "hr.employee": {HoldKind.EMPLOYEE: "pk"},
    "hr.applicant": {HoldKind.APPLICANT: "pk"},
    # A leaver's login account is blanked with their employee file (issue 14 #4).
    "accounts.user": {HoldKind.EMPLOYEE: "employee_file__id"},
    # "Send information" addresses (issue 13 #1): the person's, at a company, in an assignment.
    "appointments.informationrequest": {
        HoldKind.PERSON: "person_id",
        HoldKind.COMPANY: "company_id",
        HoldKind.ASSIGNMENT: "assignment_id",
    },
    # A closed request is kept unblanked while a person it is linked to is held.
    "privacy.datasubjectrequest": {HoldKind.PERSON: "records__person_id"},
}


def holds_active(now: dt.datetime | None = None) -> QuerySet[LegalHold]:
    """Holds in force at `now`: not ended and not past their end date (Amsterdam day)."""
    today = timezone.localdate(now or timezone.now())
    return LegalHold.objects.filter(ended_at__isnull=True, ends_on__gte=today)


def _held_q(model: type, now: dt.datetime) -> Q:
    label = model._meta.label_lower
    if label not in HOLD_PATHS:
        raise LookupError(f"{label} has no legal-hold paths: add it to apps.retention.holds.HOLD_PATHS")
    active = holds_active(now)
    held = Q(pk__in=[])
    for kind, path in HOLD_PATHS[label].items():
        held_ids = active.filter(kind=kind).values("object_id")
        held |= Q(pk__in=model._default_manager.filter(**{f"{path}__in": held_ids}).values("pk"))
    return held


def exclude_held(ctx: RuleContext, queryset: QuerySet) -> QuerySet:
    """THE legal-hold check of every clock rule (R-HOLD-1): `queryset` (what the rule would
    delete or blank) without the held rows; how many were held is added to the run record
    (`held_skipped`, and `held_skipped_<model>`), so the run says what it skipped."""
    label = queryset.model._meta.label_lower
    rule_deletes = _declared(ctx.rule)
    if rule_deletes is not None and label not in rule_deletes:
        raise LookupError(f"rule {ctx.rule} deletes {label} without declaring it (retention_rule(deletes=...))")
    held = _held_q(queryset.model, ctx.now)
    skipped = queryset.filter(held).count()
    if skipped:
        ctx.counts["held_skipped"] += skipped
        ctx.counts[f"held_skipped_{queryset.model._meta.model_name}"] += skipped
        ctx.report(f"kept under a legal hold: {skipped} {queryset.model._meta.model_name} records")
    return queryset.exclude(held)


def _declared(rule: str) -> tuple[str, ...] | None:
    from apps.retention.runner import RULES

    found = RULES.get(rule)
    return found.deletes if found else None


def is_held(*, kind: str, object_id: Any, now: dt.datetime | None = None) -> bool:
    return holds_active(now).filter(kind=kind, object_id=object_id).exists()


# --- The privacy officer's actions -----------------------------------------------------
def _target_exists(kind: str, object_id: uuid.UUID) -> bool:
    from apps.assignments.models import Assignment
    from apps.hr.models import Applicant, Employee
    from apps.prospects.models import Company, Person

    model = {
        HoldKind.PERSON: Person,
        HoldKind.COMPANY: Company,
        HoldKind.ASSIGNMENT: Assignment,
        HoldKind.EMPLOYEE: Employee,
        HoldKind.APPLICANT: Applicant,
    }[HoldKind(kind)]
    return model._default_manager.filter(pk=object_id).exists()


@transaction.atomic
def legal_hold_place(
    *, kind: str, object_id: Any, reason: str, ends_on: dt.date, actor: Any, now: dt.datetime | None = None
) -> LegalHold:
    """Put a legal hold on one record (R-HOLD-1). ServiceError (by field) when the kind is
    unknown, the record does not exist, the reason is empty or the end date has passed."""
    from apps.core.access import require_privacy_officer

    require_privacy_officer(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if kind not in HoldKind.values:
        errors["kind"] = [_("Choose what the hold is on.")]
    try:
        object_id = uuid.UUID(str(object_id))
    except (TypeError, ValueError):
        errors["object_id"] = [_("That record does not exist (any more).")]
    if not reason:
        errors["reason"] = [_("A legal hold needs a reason.")]
    if not isinstance(ends_on, dt.date) or ends_on < timezone.localdate(now):
        errors["ends_on"] = [_("The end date cannot lie in the past.")]
    if not errors and not _target_exists(kind, object_id):
        errors["object_id"] = [_("That record does not exist (any more).")]
    if errors:
        raise ServiceError(errors)
    return LegalHold.objects.create(
        kind=kind, object_id=object_id, reason=reason[:2000], ends_on=ends_on, created_at=now, created_by=actor
    )


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, actor: Any, now: dt.datetime | None = None) -> LegalHold:
    """End a hold before its date (the proceedings ended). The next clock-rule run applies
    the ordinary periods again."""
    from apps.core.access import require_privacy_officer

    require_privacy_officer(actor)
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.ended_at is None:
        locked.ended_at, locked.ended_by = now or timezone.now(), actor
        locked.save(update_fields=["ended_at", "ended_by"])
    return locked


def holds_for_office() -> dict[str, list[LegalHold]]:
    """The office's list: holds in force (soonest end first) and the latest ended ones."""
    return {
        "active": list(LegalHold.objects.filter(ended_at__isnull=True).order_by("ends_on", "created_at")[:500]),
        "ended": list(LegalHold.objects.filter(ended_at__isnull=False).order_by("-ended_at")[:50]),
    }


# --- The clock rule --------------------------------------------------------------------
@retention_rule("legal_hold_expiry", deletes=())
def legal_hold_expiry(ctx: RuleContext) -> None:
    """Legal holds whose end date has passed end, and the privacy officers are mailed once (R-HOLD-1)."""
    from apps.registers.services import mail_privacy_officers

    today = timezone.localdate(ctx.now)
    with transaction.atomic():
        due = list(
            LegalHold.objects.filter(ended_at__isnull=True, ends_on__lt=today)
            .select_for_update(skip_locked=True)
            .order_by("ends_on", "pk")[: ctx.batch_size]
        )
        ctx.counts["holds_to_end" if ctx.dry_run else "holds_ended"] += len(due)
        if ctx.dry_run or not due:
            return
        base = settings.SITE_URL.rstrip("/")
        lines = [_("These legal holds have ended; the ordinary retention periods apply again from the next run:")]
        lines += [f"- {HoldKind(h.kind).label} {h.object_id} ({_('ended on')} {h.ends_on:%d-%m-%Y})" for h in due]
        lines.append(base + reverse("privacy_holds:list"))
        LegalHold.objects.filter(pk__in=[h.pk for h in due]).update(ended_at=ctx.now)
        mail_privacy_officers(_("Legal holds ended"), "\n".join(str(line) for line in lines))
    ctx.batch_done()
