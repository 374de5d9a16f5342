"""Writes on assignments. Supervisors and agents are guardian permissions on the
assignment (R-NTK-4); these functions are the only place that grants or revokes them."""

from __future__ import annotations

import datetime as dt
import hashlib
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import Role, User
from apps.assignments.models import (
    Asks,
    Assignment,
    CallResult,
    Outcome,
    ProcessorAgreement,
    ProcessorAgreementAcceptance,
)
from apps.clients.models import Client
from apps.core.access import AGENT_PERMS, SUPERVISOR_PERMS, AssignmentPerm
from apps.core.errors import ServiceError

# The results a new assignment starts with; supervisors adapt the list per assignment.
DEFAULT_RESULTS: list[tuple[str, Any, Outcome]] = [
    ("appointment", gettext_lazy("Appointment made"), Outcome.DONE),
    ("interested", gettext_lazy("Interested, send information"), Outcome.DONE),
    ("not-interested", gettext_lazy("Not interested"), Outcome.DONE),
    ("no-answer", gettext_lazy("No answer"), Outcome.RETRY),
    ("call-back", gettext_lazy("Call back later"), Outcome.CALLBACK),
    ("wrong-number", gettext_lazy("Wrong number"), Outcome.DONE),
]

# Results that ask for more than a note (R-APPT-1): "appointment made" records a structured
# appointment, "send information" the address to send it to (issue 13 #1).
DEFAULT_ASKS: dict[str, Asks] = {"appointment": Asks.APPOINTMENT, "interested": Asks.EMAIL}


@transaction.atomic
def assignment_create(
    *,
    client: Client,
    name: str,
    description: str = "",
    briefing: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    actor: Any = None,
) -> Assignment:
    """A new, inactive assignment with its (not yet accepted) processor agreement and the default results."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("The end date lies before the start date."))
    if Assignment.objects.filter(client=client, name=name).exists():
        raise ServiceError(_("This client already has an assignment with that name."))
    assignment = Assignment.objects.create(
        client=client, name=name, description=description, briefing=briefing, starts_on=starts_on, ends_on=ends_on
    )
    ProcessorAgreement.objects.create(assignment=assignment, text_version=settings.PROCESSOR_AGREEMENT_VERSION)
    CallResult.objects.bulk_create(
        CallResult(
            assignment=assignment,
            code=code,
            label=str(label),
            outcome=outcome,
            position=i,
            asks=DEFAULT_ASKS.get(code, Asks.NOTHING),
        )
        for i, (code, label, outcome) in enumerate(DEFAULT_RESULTS)
    )
    return assignment


def processor_agreement_template(version: str) -> str:
    """The template of a version of the agreement's text: templates/assignments/agreements/<version>.html."""
    return f"assignments/agreements/{version}.html"


def processor_agreement_render(*, assignment: Assignment, version: str | None = None) -> str:
    """The agreement's text for this assignment, in the active language, as shown and accepted."""
    version = version or settings.PROCESSOR_AGREEMENT_VERSION
    return render_to_string(processor_agreement_template(version), {"assignment": assignment}).strip()


# The markup the agreement's templates use: these tags, without attributes, and nothing else.
AGREEMENT_TAGS = frozenset({"h2", "h3", "p", "ul", "ol", "li", "strong", "em", "br"})


class _AgreementMarkup(HTMLParser):
    """Splits an agreement text into its own tags (AGREEMENT_TAGS, no attributes), made by
    format_html from the fixed set, and everything else as plain text: every other tag and
    all text are escaped when the pieces are joined (`processor_agreement_html`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in AGREEMENT_TAGS and not attrs:
            self.out.append(format_html("<{}>", tag))
        else:
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(format_html("</{}>", tag) if tag in AGREEMENT_TAGS and tag != "br" else f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def processor_agreement_html(text: str) -> SafeString:
    """An agreement text as a page shows it, without trusting it: the stored copy of an
    acceptance is plain text from the database (no |safe on it anywhere). Our templates'
    markup comes through; a value rendered into it (the client's name) was escaped then and
    is escaped again here, so it shows as typed and never runs."""
    parser = _AgreementMarkup()
    parser.feed(text)
    parser.close()
    return format_html_join("", "{}", ((piece,) for piece in parser.out))


@transaction.atomic
def processor_agreement_accept(
    *,
    assignment: Assignment,
    actor: User,
    ip_address: str | None,
    now: dt.datetime | None = None,
    user_agent: str = "",
    shown_sha256: str | None = None,
) -> ProcessorAgreement:
    """A client user accepts the processor agreement of their own assignment (policy §5;
    issue 14 #7): in the version in force, once per version. The text is rendered once more
    here and kept with its SHA-256; when the page sent the hash of the text it showed
    (`shown_sha256`) and the two differ — the text changed while the page was open — the
    acceptance is refused, so that what is kept is exactly what was read."""
    agreement = ProcessorAgreement.objects.select_for_update().get(assignment=assignment)
    if actor.role != Role.CLIENT or actor.client_id != assignment.client_id:
        raise ServiceError(_("Only a user of the client can accept its processor agreement."))
    if agreement.is_current:
        raise ServiceError(_("The processor agreement has already been accepted."))
    version = settings.PROCESSOR_AGREEMENT_VERSION
    text = processor_agreement_render(assignment=assignment, version=version)
    digest = processor_agreement_sha256(text)
    if shown_sha256 is not None and shown_sha256 != digest:
        raise ServiceError(_("The text of the agreement changed while you were reading it. Please read it again."))
    now = now or timezone.now()
    ProcessorAgreementAcceptance.objects.create(
        agreement=agreement,
        text_version=version,
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
        text=text,
        text_sha256=digest,
        accepted_by=actor,
        accepted_at=now,
        accepted_ip=ip_address,
        user_agent=(user_agent or "")[:300],
    )
    agreement.accepted_by = actor
    agreement.accepted_at = now
    agreement.accepted_ip = ip_address
    agreement.text_version = version
    agreement.save(update_fields=["accepted_by", "accepted_at", "accepted_ip", "text_version"])
    return agreement


def processor_agreement_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _require_accepted_agreement(assignment: Assignment) -> None:
    if not ProcessorAgreement.objects.filter(assignment=assignment, accepted_at__isnull=False).exists():
        raise ServiceError(_("The client has not yet accepted the processor agreement of this assignment."))


@transaction.atomic
def assignment_set_active(*, assignment: Assignment, active: bool, actor: Any = None) -> Assignment:
    """Activate (only with an accepted processor agreement) or deactivate an assignment.

    Deactivating ends every lease at once, so agents lose the prospects they hold
    (R-NTK-3); the access layer already refuses agents on inactive assignments.
    """
    from apps.prospects.models import Lease

    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if active:
        _require_accepted_agreement(assignment)
        if assignment.ends_on is not None and assignment.ends_on < timezone.localdate():
            # The clock rule would end it again within the hour (`assignment_end`).
            raise ServiceError(_("This assignment ended on its end date; set a later end date first."))
    else:
        Lease.objects.filter(assignment=assignment).delete()
    if assignment.is_active != active:
        assignment.is_active = active
        assignment.save(update_fields=["is_active"])
    return assignment


def assignment_ended_text(*, assignment_name: str, ended_on: dt.date) -> str:
    """The notice to the supervisors of an assignment the clock rule ended (in the app and by email)."""
    return _(
        "Assignment %(assignment)s reached its end date (%(date)s) and is now inactive: its agents no "
        "longer have access to it. Set a later end date and activate it again to continue."
    ) % {"assignment": assignment_name, "date": formats.date_format(ended_on, "SHORT_DATE_FORMAT")}


@transaction.atomic
def assignment_end(*, assignment: Assignment, now: dt.datetime, actor: Any = None) -> bool:
    """End an active assignment whose end date has passed (the clock rule `assignment_end`):
    set it inactive, which revokes its agents at once (R-NTK-3), and notify its supervisors,
    in the app and by email (after the commit). Returns False when there was nothing to do
    (not active, or its end date moved meanwhile): safe to run twice."""
    from apps.assignments.selectors import assignment_users_with
    from apps.assignments.tasks import assignment_ended_notify
    from apps.core.enqueue import enqueue_on_commit
    from apps.retention.models import Notice, NoticeKind

    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    today = timezone.localdate(now)
    if not locked.is_active or locked.ends_on is None or locked.ends_on >= today:
        return False
    assignment_set_active(assignment=locked, active=False, actor=actor)
    supervisors = assignment_users_with(assignment=locked, perm=AssignmentPerm.SUPERVISE).filter(is_active=True)
    Notice.objects.bulk_create(
        [
            Notice(
                recipient=user,
                assignment=locked,
                kind=NoticeKind.ASSIGNMENT_ENDED,
                day=locked.ends_on,
                count=1,
                created_at=now,
            )
            for user in supervisors
        ],
        ignore_conflicts=True,  # one notice per end date, however often the rule runs
    )
    enqueue_on_commit(assignment_ended_notify, str(locked.pk))
    return True


def assignment_ended_notices_email(*, assignment_id: Any, now: dt.datetime | None = None) -> int:
    """Email the supervisors their not yet emailed "assignment ended" notices of one
    assignment, in the site's language; return the number of messages. Each notice is
    marked in the transaction that sends it (at least once: a crash between sending and
    marking sends it again)."""
    from django.core.mail import send_mail

    from apps.retention.models import Notice, NoticeKind

    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        notices = list(
            Notice.objects.select_for_update(of=("self",))
            .filter(assignment_id=assignment_id, kind=NoticeKind.ASSIGNMENT_ENDED, emailed_at__isnull=True)
            .select_related("recipient", "assignment")
            .order_by("recipient_id")
        )
        for notice in notices:
            if notice.recipient.email and notice.recipient.is_active:
                with translation.override(settings.LANGUAGE_CODE):
                    body = assignment_ended_text(assignment_name=notice.assignment.name, ended_on=notice.day)
                    send_mail(_("Assignment ended"), body, None, [notice.recipient.email])
                sent += 1
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
    return sent


@transaction.atomic
def assignment_add_supervisor(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    if user.role != Role.SUPERVISOR:
        raise ServiceError(_("Only supervisors can supervise an assignment."))
    for perm in SUPERVISOR_PERMS:
        assign_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_remove_supervisor(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    for perm in SUPERVISOR_PERMS:
        remove_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_schedule_agent(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    """Schedule an agent: only once the processor agreement is accepted (policy §5)."""
    if user.role != Role.AGENT:
        raise ServiceError(_("Only call agents can be scheduled on an assignment."))
    _require_accepted_agreement(assignment)
    for perm in AGENT_PERMS:
        assign_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_unschedule_agent(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    """Take an agent off an assignment; the prospect they hold is released at once, and
    their callbacks go back to the queue for any agent of the assignment when due."""
    from apps.prospects.models import Lease, Prospect, ProspectStatus

    Lease.objects.filter(assignment=assignment, agent=user).delete()
    Prospect.objects.filter(assignment=assignment, status=ProspectStatus.CALLBACK, callback_agent=user).update(
        callback_agent=None
    )
    for perm in AGENT_PERMS:
        remove_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor: Any = None) -> None:
    """Delete an assignment with its prospects, notes and extra columns, and the persons
    linked to no other assignment (R-EXP-3). Shared companies stay.

    Call notes may only be deleted this way: the database trigger of R-NOTE-3 lets the
    deletes through only inside `callnotes_delete_for_assignment`, after the ledger record.
    """
    from django.db import connection

    from apps.prospects.models import Person, ProspectPerson
    from apps.prospects.services import DeletionReason, persons_delete

    person_ids = list(
        ProspectPerson.objects.filter(prospect__assignment=assignment).values_list("person_id", flat=True).distinct()
    )
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    # R-DEL-2: a restore must not bring the assignment, its records or its notes back.
    ledger_write(
        model=Assignment, object_ids=[assignment.pk], action=LedgerAction.DELETE, reason="client_delete", actor=actor
    )
    # The notes go through the owner's SECURITY DEFINER function, which deletes them only
    # for an assignment whose deletion the (append-only) ledger holds (R-SEC-3).
    with connection.cursor() as cursor:
        cursor.execute("SELECT callnotes_delete_for_assignment(%s)", [assignment.pk])
    assignment.delete()
    # Persons whose last link just went: nobody holds them any more. One batch through the
    # single deletion path (R-DEL-1).
    orphans = Person.objects.filter(pk__in=person_ids, prospect_links__isnull=True).values_list("pk", flat=True)
    persons_delete(person_ids=list(orphans), reason=DeletionReason.CLIENT_DELETE, actor=actor)
