"""Sole traders and partnerships (issue 14 #8): the company data of an *eenmanszaak* or a
*vof* identify a person (the Autoriteit Persoonsgegevens treats them as personal data).

`Company.legal_form` comes from the import ("Rechtsvorm") or the agent's correction. For
such a company its name, address, phone, KvK number and website are handled as a person's:

- the privacy officer's lookup lists sole-trader companies matching the requester's phone
  or full name (`sole_traders_matching`), the access report and the portable data hold the
  linked persons' sole-trader companies;
- an erasure (or withdrawn consent) of a person at such a company blanks those fields
  (`companies_personal_blank`; the record stays, shared by prospects and call notes, with a
  neutral name);
- retention: a sole-trader company unverified for PERSON_DELETE_AFTER_MONTHS is blanked the
  same way (rule `sole_trader_company_blank`), like a person unverified that long.

Every blanking is ledgered (R-DEL-2, kind "prospects.company") and its change-log entries
are redacted (R-DEL-1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.redaction import log_entries_redact
from apps.prospects.models import PERSONAL_LEGAL_FORMS, Company
from apps.retention import clock
from apps.retention.holds import exclude_held
from apps.retention.ledger import ledger_write
from apps.retention.models import LedgerAction
from apps.retention.runner import RuleContext, keyset_batches, retention_rule

# The neutral name of a blanked company (the redactors' marker): a company needs a name.
BLANKED_NAME = "[…]"
CAP = 50


def sole_trader_q() -> Q:
    return Q(legal_form__in=[str(f) for f in PERSONAL_LEGAL_FORMS])


def sole_traders_matching(*, phone: str, full_name: str, last_name: str) -> list[Company]:
    """Sole-trader companies that may be the requester's (R-DSR-3): their phone, or their
    full name inside the company name. Capped; the officer decides."""
    q = Q(pk__in=[])
    if phone:
        q |= Q(phone=phone)
    if full_name and last_name and len(full_name) >= 5:
        q |= Q(name__icontains=full_name)
    return list(
        Company.objects.filter(sole_trader_q()).filter(q).exclude(name=BLANKED_NAME).order_by("name", "pk")[:CAP]
    )


def companies_personal_blank(
    *, company_ids: Iterable[Any], reason: str, now: dt.datetime | None = None, actor: Any = None
) -> int:
    """Blank the identifying fields of these companies when they are sole traders or
    partnerships and not blanked yet; ledgered and their change log redacted. Idempotent."""
    now = now or timezone.now()
    ids = list(
        Company.objects.filter(sole_trader_q(), pk__in=list(company_ids))
        .exclude(name=BLANKED_NAME)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    ledger_write(model=Company, object_ids=ids, action=LedgerAction.BLANK, reason=reason, now=now, actor=actor)
    # QuerySet.update: no signal, so no new change-log entry holding the old values.
    count = Company.objects.filter(pk__in=ids).update(
        name=BLANKED_NAME,
        name_normalised="",
        kvk_number="",
        street="",
        house_number="",
        postcode="",
        city="",
        phone="",
        website="",
        website_domain="",
        updated_at=now,
    )
    log_entries_redact(model=Company, object_ids=ids)
    return count


@retention_rule("sole_trader_company_blank", deletes=("prospects.company",))
def sole_trader_company_blank(ctx: RuleContext) -> None:
    """Sole traders' company data unverified for 12 months are blanked, like a person's (issue 14 #8)."""
    cutoff = clock.purge_cutoff(ctx.now)
    due = exclude_held(ctx, Company.objects.filter(sole_trader_q(), verified_at__lte=cutoff).exclude(name=BLANKED_NAME))
    for ids in keyset_batches(due, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["sole_trader_companies_to_blank"] += len(ids)
            continue
        with transaction.atomic():
            still_due = Company.objects.filter(pk__in=ids, verified_at__lte=cutoff).values_list("pk", flat=True)
            ctx.counts["sole_trader_companies_blanked"] += companies_personal_blank(
                company_ids=list(still_due), reason="purge", now=ctx.now
            )
        ctx.batch_done()
