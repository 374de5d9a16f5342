"""The registers' clock rules, run by the retention mechanism (JobRun, advisory lock, dry
run: `run_retention --rule breach_deadline_reminder --dry-run`).

- breach_deadline_reminder (R-REG-2, Art. 33): open breaches not yet reported or decided
  whose 72 hours end within 24 hours, and again once they have passed, are mailed to the
  privacy officers. Each breach gets each of both mails once (`due_soon_mailed_at`,
  `overdue_mailed_at`), so the rule may run as often as it likes.
- subprocessor_terms_check (R-REG-1): retention terms of current processor agreements
  that exceed our own periods — which happens when our periods are shortened later — are
  mailed to the privacy officers, once per term and per value of our limit (`warned_for`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.registers.models import (
    REPORT_WITHIN,
    AgreementTerm,
    Breach,
    BreachClientNotice,
    ReportDecision,
    client_inform_within,
)
from apps.registers.selectors import excessive_terms
from apps.registers.services import category_label, mail_privacy_officers
from apps.retention.runner import RuleContext, retention_rule

DUE_SOON = dt.timedelta(hours=24)


def _line(breach: Breach) -> str:
    deadline = timezone.localtime(breach.report_deadline)
    link = settings.SITE_URL.rstrip("/") + reverse("registers:breach", args=[breach.pk])
    return f"- {breach.summary} ({_('deadline')} {deadline:%d-%m-%Y %H:%M}): {link}"


@retention_rule("breach_deadline_reminder", deletes=())
def breach_deadline_reminder(ctx: RuleContext) -> None:
    """Unreported open breaches near or past their 72 hours are mailed to the privacy officers (R-REG-2)."""
    pending = Breach.objects.filter(decision=ReportDecision.PENDING, closed_at__isnull=True)
    # discovered + 72 h <= now + 24 h  <=>  discovered <= now + 24 h - 72 h
    with transaction.atomic():
        overdue = list(
            pending.filter(discovered_at__lte=ctx.now - REPORT_WITHIN, overdue_mailed_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("discovered_at")[: ctx.batch_size]
        )
        soon = list(
            pending.filter(
                discovered_at__gt=ctx.now - REPORT_WITHIN,
                discovered_at__lte=ctx.now + DUE_SOON - REPORT_WITHIN,
                due_soon_mailed_at__isnull=True,
                overdue_mailed_at__isnull=True,
            )
            .select_for_update(skip_locked=True)
            .order_by("discovered_at")[: ctx.batch_size]
        )
        key = "breaches_to_mail" if ctx.dry_run else "breaches_mailed"
        ctx.counts[key] += len(overdue) + len(soon)
        if ctx.dry_run or not (overdue or soon):
            return
        parts = []
        if overdue:
            parts.append(_("The 72 hours for reporting to the Autoriteit Persoonsgegevens have passed for:"))
            parts += [_line(b) for b in overdue]
        if soon:
            parts.append(_("The 72 hours for reporting to the Autoriteit Persoonsgegevens end within 24 hours for:"))
            parts += [_line(b) for b in soon]
        parts.append(_("Record the report, or the reason for not reporting, in the breach register."))
        mail_privacy_officers(_("Breaches to report to the Autoriteit Persoonsgegevens"), "\n".join(parts))
        Breach.objects.filter(pk__in=[b.pk for b in overdue]).update(overdue_mailed_at=ctx.now)
        Breach.objects.filter(pk__in=[b.pk for b in soon]).update(due_soon_mailed_at=ctx.now)
    ctx.batch_done()


def _notice_line(notice: BreachClientNotice) -> str:
    deadline = timezone.localtime(notice.deadline)
    link = settings.SITE_URL.rstrip("/") + reverse("registers:breach", args=[notice.breach_id])
    return f"- {notice.client.name}: {notice.breach.summary} ({_('deadline')} {deadline:%d-%m-%Y %H:%M}): {link}"


@retention_rule("breach_client_notice_reminder", deletes=())
def breach_client_notice_reminder(ctx: RuleContext) -> None:
    """Affected clients not yet told of a breach, near or past their term
    (BREACH_CLIENT_INFORM_HOURS, the processor agreement's "without undue delay"), are mailed
    to the privacy officers, each notice once when due soon and once when overdue (issue 14 #6)."""
    within = client_inform_within()
    soon_window = within / 4
    open_ = BreachClientNotice.objects.filter(informed_at__isnull=True).select_related("breach", "client")
    with transaction.atomic():
        overdue = list(
            open_.filter(breach__discovered_at__lte=ctx.now - within, overdue_mailed_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("breach__discovered_at", "client__name")[: ctx.batch_size]
        )
        soon = list(
            open_.filter(
                breach__discovered_at__gt=ctx.now - within,
                breach__discovered_at__lte=ctx.now + soon_window - within,
                due_soon_mailed_at__isnull=True,
                overdue_mailed_at__isnull=True,
            )
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("breach__discovered_at", "client__name")[: ctx.batch_size]
        )
        key = "client_notices_to_mail" if ctx.dry_run else "client_notices_mailed"
        ctx.counts[key] += len(overdue) + len(soon)
        if ctx.dry_run or not (overdue or soon):
            return
        hours = settings.BREACH_CLIENT_INFORM_HOURS
        parts = []
        if overdue:
            parts.append(
                ngettext(
                    "These clients were to be told of a breach within %(hours)d hour, and have not been yet:",
                    "These clients were to be told of a breach within %(hours)d hours, and have not been yet:",
                    hours,
                )
                % {"hours": hours}
            )
            parts += [_notice_line(n) for n in overdue]
        if soon:
            parts.append(
                ngettext(
                    "The %(hours)d hour for telling these clients of a breach ends soon:",
                    "The %(hours)d hours for telling these clients of a breach end soon:",
                    hours,
                )
                % {"hours": hours}
            )
            parts += [_notice_line(n) for n in soon]
        parts.append(_("Record on the breach when and how each client was informed."))
        mail_privacy_officers(_("Clients to inform of a breach"), "\n".join(parts))
        BreachClientNotice.objects.filter(pk__in=[n.pk for n in overdue]).update(overdue_mailed_at=ctx.now)
        BreachClientNotice.objects.filter(pk__in=[n.pk for n in soon]).update(due_soon_mailed_at=ctx.now)
    ctx.batch_done()


@retention_rule("subprocessor_terms_check", deletes=())
def subprocessor_terms_check(ctx: RuleContext) -> None:
    """Agreements whose retention terms exceed our own periods are mailed to the privacy officers (R-REG-1)."""
    found = [
        (term, limit) for term, limit in excessive_terms(timezone.localdate(ctx.now)) if term.warned_for != limit.key
    ]
    ctx.counts["terms_to_report" if ctx.dry_run else "terms_reported"] += len(found)
    if ctx.dry_run or not found:
        return
    lines = [
        _("These processor agreements keep data longer than Leadhunter's own periods allow:"),
        *(
            f"- {term.agreement.subprocessor.name}, {term.agreement.reference}: {category_label(term.category)} "
            f"{term.term} > {limit}"
            for term, limit in found
        ),
        _("Agree shorter terms with these subprocessors and record the new agreement in the register."),
    ]
    with transaction.atomic():
        mail_privacy_officers(_("Subprocessors keep data too long"), "\n".join(lines))
        for term, limit in found:
            AgreementTerm.objects.filter(pk=term.pk).update(warned_for=limit.key)
    ctx.batch_done()
