"""The permission layer, in one place (SPEC §1, R-NTK-1…5).

Every page, API view, admin page and export reaches data through these functions:
`Model.objects.visible_to(user)` for lists (dispatched to `scope`) and the
`get_*_for_user` helpers for one object. Anything outside a user's reach is simply not
in the queryset, so it answers 404, the same as a row that does not exist (R-NTK-1).

Object permissions live on the assignment only (R-NTK-4), as django-guardian rows:
- supervisors hold view and supervise on the assignments they supervise;
- agents hold view and work on the assignments they are scheduled on, and reach a
  prospect only through its lease or a callback they scheduled (R-NTK-2), and only while
  the assignment is active (R-NTK-3);
- client users hold view, supervise and download implicitly on every assignment of their
  own client (tenant ownership), never work;
- administrators see all client data and never work; board members see no client data,
  and they alone see the HR files (R-HR-1);
- download is the client's alone: staff see the database in the application only, never
  as a file on a workstation (policy §3, SPEC §5). No guardian row grants it.
Staff without a confidentiality agreement on record see nothing (R-NTK-5).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.prepared import columns as prepared_columns
from apps.core.prepared import from_row, prepared_cursor


class AssignmentPerm(StrEnum):
    VIEW = "view_assignment"
    WORK = "work_assignment"
    SUPERVISE = "supervise_assignment"
    DOWNLOAD = "download_assignment"


# Granted as guardian rows by apps/assignments/services.py. Never DOWNLOAD: downloads are
# for the client's users only (policy §3: no local data on staff workstations).
SUPERVISOR_PERMS = (AssignmentPerm.VIEW, AssignmentPerm.SUPERVISE)
AGENT_PERMS = (AssignmentPerm.VIEW, AssignmentPerm.WORK)
# What a client user holds on their own client's assignments (tenant ownership).
CLIENT_PERMS = frozenset({AssignmentPerm.VIEW, AssignmentPerm.SUPERVISE, AssignmentPerm.DOWNLOAD})
# Administrators see every assignment's database in the application; they neither work
# on it nor download it (policy §3).
ADMINISTRATOR_PERMS = frozenset({AssignmentPerm.VIEW, AssignmentPerm.SUPERVISE})


def may_open_client_data(user: Any) -> bool:
    """Logged in, active, and—for staff—a confidentiality agreement on record (R-NTK-5)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_confidentiality_agreement
    )


def _granted(user: Any, perm: AssignmentPerm, assignment_ref: str = "pk") -> Exists:
    """EXISTS a guardian row granting `perm` on the assignment at `assignment_ref` to `user`."""
    from apps.assignments.models import AssignmentUserObjectPermission

    return Exists(
        AssignmentUserObjectPermission.objects.filter(
            user_id=user.pk,
            permission__codename=perm.value,
            permission__content_type__app_label="assignments",
            content_object_id=OuterRef(assignment_ref),
        )
    )


# --- Assignments -------------------------------------------------------------------
def assignments_visible_to(
    user: Any, perm: AssignmentPerm = AssignmentPerm.VIEW, qs: QuerySet | None = None
) -> QuerySet:
    from apps.assignments.models import Assignment

    qs = Assignment.objects.all() if qs is None else qs
    if not may_open_client_data(user):
        return qs.none()
    match user.role:
        case Role.ADMINISTRATOR:
            return qs if perm in ADMINISTRATOR_PERMS else qs.none()
        case Role.CLIENT:
            return qs.filter(client_id=user.client_id) if perm in CLIENT_PERMS else qs.none()
        # Supervisors see what they supervise and agents what they work on: the role's own
        # permission decides, so a row left over from an earlier role grants nothing.
        case Role.SUPERVISOR:
            if perm not in SUPERVISOR_PERMS:
                return qs.none()
            return qs.filter(_granted(user, AssignmentPerm.SUPERVISE), _granted(user, perm))
        case Role.AGENT:
            if perm not in AGENT_PERMS:
                return qs.none()
            return qs.filter(_granted(user, AssignmentPerm.WORK), is_active=True)
    return qs.none()


def assignment_perms_for(user: Any, assignment: Model) -> frozenset[AssignmentPerm]:
    """The permissions `user` holds on one assignment (for showing buttons)."""
    from apps.assignments.models import Assignment

    return frozenset(
        perm
        for perm in AssignmentPerm
        if assignments_visible_to(user, perm, Assignment.objects.filter(pk=assignment.pk)).exists()
    )


# --- Rows derived from the assignment ----------------------------------------------
def _scope_by_assignment(qs: QuerySet, user: Any, assignment_ref: str, *, agent_filter: Q | None) -> QuerySet:
    """Rows whose assignment (at `assignment_ref`) the user may supervise; agents get `agent_filter`."""
    if not may_open_client_data(user):
        return qs.none()
    match user.role:
        case Role.ADMINISTRATOR:
            return qs
        case Role.CLIENT:
            return qs.filter(**{f"{assignment_ref}__client_id": user.client_id})
        case Role.SUPERVISOR:
            return qs.filter(_granted(user, AssignmentPerm.SUPERVISE, assignment_ref))
        case Role.AGENT if agent_filter is not None:
            return qs.filter(
                agent_filter,
                _granted(user, AssignmentPerm.WORK, assignment_ref),
                **{f"{assignment_ref}__is_active": True},
            )
    return qs.none()


def prospects_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """Clients, supervisors and administrators see the database; an agent sees only the
    prospect they hold the lease of, or a callback they scheduled themselves (R-NTK-2)."""
    from apps.prospects.models import Lease, Prospect, ProspectStatus

    qs = Prospect.objects.all() if qs is None else qs
    agent_filter = None
    if getattr(user, "role", None) == Role.AGENT:
        holds_lease = Exists(
            Lease.objects.filter(prospect_id=OuterRef("pk"), agent_id=user.pk, expires_at__gt=timezone.now())
        )
        own_callback = Q(status=ProspectStatus.CALLBACK, callback_agent_id=user.pk)
        agent_filter = Q(holds_lease) | own_callback
    return _scope_by_assignment(qs, user, "assignment", agent_filter=agent_filter)


def appointments_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """R-APPT-1: the client, the supervisors of the assignment and administrators; agents
    see an appointment only on the call screen they make it from (not listed)."""
    from apps.appointments.models import Appointment

    qs = Appointment.objects.all() if qs is None else qs
    return _scope_by_assignment(qs, user, "assignment", agent_filter=None)


def information_requests_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """Issue 13 #1: "send information" requests, seen as appointments are (R-APPT-1): the
    client, the supervisors of the assignment and administrators; agents on the call only."""
    from apps.appointments.models import InformationRequest

    qs = InformationRequest.objects.all() if qs is None else qs
    return _scope_by_assignment(qs, user, "assignment", agent_filter=None)


def get_appointment_for_user(user: Any, appointment_id: Any) -> Any:
    from apps.appointments.models import Appointment

    return get_for_user(
        Appointment.objects.select_related("assignment", "company", "person", "account_manager"),
        user,
        appointment_id,
    )


def call_notes_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """R-NOTE-2: the client, the supervisors, administrators, and the agents of an active assignment."""
    from apps.callnotes.models import CallNote

    qs = CallNote.objects.all() if qs is None else qs
    return _scope_by_assignment(qs, user, "assignment", agent_filter=Q())


def companies_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """Shared companies are seen through the prospects a user may see."""
    from apps.prospects.models import Company, Prospect

    qs = Company.objects.all() if qs is None else qs
    if may_open_client_data(user) and user.role == Role.ADMINISTRATOR:
        return qs
    return qs.filter(Exists(prospects_visible_to(user, Prospect.objects.filter(company_id=OuterRef("pk")))))


def persons_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """A person is disclosed only through the prospects (assignments) they are linked to (R-IMP-4);
    a client user moreover sees only its own client's records (the database links a record
    only within its client; this says so here as well)."""
    from apps.prospects.models import Person, Prospect

    qs = Person.objects.all() if qs is None else qs
    if may_open_client_data(user) and user.role == Role.ADMINISTRATOR:
        return qs
    if getattr(user, "role", None) == Role.CLIENT:
        qs = qs.filter(client_id=user.client_id)
    linked = prospects_visible_to(user, Prospect.objects.filter(person_links__person_id=OuterRef("pk")))
    return qs.filter(Exists(linked))


def imports_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """Imports belong to those who may upload into the assignment: its client, its
    supervisors and administrators; never agents (R-NTK-2)."""
    from apps.imports.models import ImportJob

    qs = ImportJob.objects.all() if qs is None else qs
    return _scope_by_assignment(qs, user, "assignment", agent_filter=None)


def clients_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    from apps.clients.models import Client

    qs = Client.objects.all() if qs is None else qs
    if not may_open_client_data(user):
        return qs.none()
    match user.role:
        case Role.ADMINISTRATOR | Role.SUPERVISOR:
            return qs
        case Role.CLIENT:
            return qs.filter(pk=user.client_id)
        case Role.AGENT:
            from apps.assignments.models import Assignment

            working = assignments_visible_to(
                user, AssignmentPerm.WORK, Assignment.objects.filter(client_id=OuterRef("pk"))
            )
            return qs.filter(Exists(working))
    return qs.none()


def client_contacts_visible_to(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """Policy §6: supervisors see every client's contacts; agents those of clients whose
    active assignment they work on (R-NTK-3); client users their own."""
    from apps.clients.models import Client, ClientContact

    qs = ClientContact.objects.all() if qs is None else qs
    return qs.filter(client__in=clients_visible_to(user, Client.objects.all()))


# --- HR files (R-HR-1) ---------------------------------------------------------------
def hr_visible_to(user: Any) -> bool:
    """HR files are for board members with a confidentiality agreement, and nobody else:
    not administrators, supervisors or privacy officers (R-HR-1)."""
    return may_open_client_data(user) and user.role == Role.BOARD


def _hr_scope(model_label: str) -> Callable[..., QuerySet]:
    def rule(user: Any, qs: QuerySet | None = None) -> QuerySet:
        from django.apps import apps

        qs = apps.get_model(model_label).objects.all() if qs is None else qs
        return qs if hr_visible_to(user) else qs.none()

    return rule


def require_hr(user: Any) -> None:
    """404 for everyone but board members: the same answer as a page that does not exist."""
    if not hr_visible_to(user):
        raise Http404


def get_employee_for_user(user: Any, employee_id: Any) -> Any:
    from apps.hr.models import Employee

    return get_for_user(Employee.objects.select_related("user"), user, employee_id)


def get_applicant_for_user(user: Any, applicant_id: Any) -> Any:
    from apps.hr.models import Applicant

    return get_for_user(Applicant.objects.all(), user, applicant_id)


def get_hr_document_for_user(user: Any, document_id: Any) -> Any:
    from apps.hr.models import HRDocument

    return get_for_user(HRDocument.objects.all(), user, document_id)


# --- The privacy office (SPEC §1, R-DSR-2…4, R-REG-1, R-REG-2) -----------------------
def privacy_office_visible_to(user: Any) -> bool:
    """Data-subject requests, the suppression list, the erasure ledger and the registers
    are for privacy officers (a permission held by administrators or board members) with
    a confidentiality agreement on record, and nobody else."""
    return may_open_client_data(user) and bool(user.is_privacy_officer)


def _privacy_scope(model_label: str) -> Callable[..., QuerySet]:
    def rule(user: Any, qs: QuerySet | None = None) -> QuerySet:
        from django.apps import apps

        qs = apps.get_model(model_label).objects.all() if qs is None else qs
        return qs if privacy_office_visible_to(user) else qs.none()

    return rule


def require_privacy_officer(user: Any) -> None:
    """404 for everyone but privacy officers: the same answer as a page that does not exist."""
    if not privacy_office_visible_to(user):
        raise Http404


def get_request_for_officer(user: Any, request_id: Any) -> Any:
    from apps.privacy.models import DataSubjectRequest

    return get_for_user(DataSubjectRequest.objects.select_related("handled_by"), user, request_id)


def get_confirmed_request_for_officer(user: Any, request_id: Any) -> Any:
    """A confirmed request (open or closed), or 404: an unconfirmed one is not yet a request
    the officer may act on, nor look the person up for (R-DSR-2, R-DSR-3)."""
    from apps.privacy.models import DataSubjectRequest, RequestStatus

    return get_for_user(
        DataSubjectRequest.objects.select_related("handled_by").exclude(status=RequestStatus.UNCONFIRMED),
        user,
        request_id,
    )


def get_subprocessor_for_officer(user: Any, subprocessor_id: Any) -> Any:
    from apps.registers.models import Subprocessor

    return get_for_user(Subprocessor.objects.all(), user, subprocessor_id)


def get_agreement_for_officer(user: Any, agreement_id: Any) -> Any:
    from apps.registers.models import SubprocessorAgreement

    return get_for_user(SubprocessorAgreement.objects.select_related("subprocessor"), user, agreement_id)


def get_breach_for_officer(user: Any, breach_id: Any) -> Any:
    from apps.registers.models import Breach

    return get_for_user(Breach.objects.all(), user, breach_id)


_SCOPES: dict[str, Callable[..., QuerySet]] = {
    "assignments.assignment": assignments_visible_to,
    "prospects.prospect": prospects_visible_to,
    "prospects.company": companies_visible_to,
    "prospects.person": persons_visible_to,
    "callnotes.callnote": call_notes_visible_to,
    "appointments.appointment": appointments_visible_to,
    "appointments.informationrequest": information_requests_visible_to,
    "clients.client": clients_visible_to,
    "imports.importjob": imports_visible_to,
    "clients.clientcontact": client_contacts_visible_to,
    "hr.employee": _hr_scope("hr.Employee"),
    "hr.employeeentry": _hr_scope("hr.EmployeeEntry"),
    "hr.applicant": _hr_scope("hr.Applicant"),
    "hr.interviewreport": _hr_scope("hr.InterviewReport"),
    "hr.hrdocument": _hr_scope("hr.HRDocument"),
    "privacy.datasubjectrequest": _privacy_scope("privacy.DataSubjectRequest"),
    "privacy.suppressionentry": _privacy_scope("privacy.SuppressionEntry"),
    # The registers (R-REG-1, R-REG-2) and the erasure ledger: privacy officers only.
    "registers.subprocessor": _privacy_scope("registers.Subprocessor"),
    "registers.subprocessoragreement": _privacy_scope("registers.SubprocessorAgreement"),
    "registers.agreementterm": _privacy_scope("registers.AgreementTerm"),
    "registers.breach": _privacy_scope("registers.Breach"),
    "retention.legalhold": _privacy_scope("retention.LegalHold"),
    "retention.erasureledgerentry": _privacy_scope("retention.ErasureLedgerEntry"),
    "retention.ledgerrecord": _privacy_scope("retention.LedgerRecord"),
}


def scope(qs: QuerySet, user: Any, **kwargs: Any) -> QuerySet:
    """Dispatch `Model.objects.visible_to(user)` to the rule of that model."""
    try:
        rule = _SCOPES[qs.model._meta.label_lower]
    except KeyError:  # a model without a rule is visible to nobody
        return qs.none()
    return rule(user, qs=qs, **kwargs)


# --- One object --------------------------------------------------------------------
def get_for_user(qs: QuerySet, user: Any, pk: Any, **kwargs: Any) -> Any:
    """One object the user may see, or 404: the same for "other tenant" and "no such id"."""
    try:
        if isinstance(pk, str):
            pk = uuid.UUID(pk)
        return scope(qs, user, **kwargs).get(pk=pk)
    except (ValueError, qs.model.DoesNotExist) as exc:
        raise Http404 from exc


def get_hold_for_officer(user: Any, hold_id: Any) -> Any:
    from apps.retention.models import LegalHold

    return get_for_user(LegalHold.objects.all(), user, hold_id)


def get_assignment_for_user(user: Any, assignment_id: Any, perm: AssignmentPerm = AssignmentPerm.VIEW) -> Any:
    from apps.assignments.models import Assignment

    if getattr(user, "role", None) == Role.AGENT:  # "next" on every call: one lean statement
        return _get_assignment_for_agent(user, assignment_id, perm)
    return get_for_user(Assignment.objects.select_related("client"), user, assignment_id, perm=perm)


def _get_assignment_for_agent(user: Any, assignment_id: Any, perm: AssignmentPerm) -> Any:
    """`assignments_visible_to`'s rule for an agent, written out (issue 16 #2): an active
    assignment whose guardian "work" row the agent holds; only view and work exist for them."""
    from apps.assignments.models import Assignment
    from apps.clients.models import Client

    if perm not in AGENT_PERMS or not may_open_client_data(user):
        raise Http404
    try:
        pk = uuid.UUID(assignment_id) if isinstance(assignment_id, str) else assignment_id
    except ValueError as exc:
        raise Http404 from exc
    with prepared_cursor() as cursor:
        cursor.execute(_agent_assignment_sql(), {"pk": pk, "agent": user.pk, "work": AssignmentPerm.WORK.value})
        row = cursor.fetchone()
    if row is None:
        raise Http404
    assignment, client = from_row((Assignment, Client), row)
    assignment.client = client
    return assignment


@functools.cache
def _agent_assignment_sql() -> str:
    """The statement of `_get_assignment_for_agent`, made once per process."""
    from apps.assignments.models import Assignment
    from apps.clients.models import Client

    return f"""
        SELECT {prepared_columns(("a", Assignment), ("cl", Client))}
        FROM assignments_assignment a JOIN clients_client cl ON cl.id = a.client_id
        WHERE a.id = %(pk)s AND a.is_active AND {_agent_works_on("a.id")}"""  # noqa: S608 (column names only)


def get_assignment_to_oversee(user: Any, assignment_id: Any, *, act: bool = False) -> Any:
    """An assignment whose live board (who holds which prospect, idle agents; R-SUP-1) the
    user may see: the staff who supervise it—its own supervisors and the administrators.
    Its client's users hold "supervise" on their assignments, but the board shows our
    staff's working day, not their data: 404 for them, as for everyone else outside.
    Acting on the board (releasing a lease, reassigning callbacks: `act=True`) is for the
    assignment's own supervisors: administrators, who look but do not run the floor, get 403."""
    assignment = get_assignment_for_user(user, assignment_id, perm=AssignmentPerm.SUPERVISE)
    if user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise Http404
    if act and user.role != Role.SUPERVISOR:
        raise PermissionDenied
    return assignment


def get_assignment_to_download(user: Any, assignment_id: Any) -> Any:
    """An assignment whose database the user may download as a file: its client's users
    only. 404 for whoever may not see the database at all (the same as a missing id);
    403 for the staff who see it in the application but may not take it away (policy §3)."""
    assignment = get_assignment_for_user(user, assignment_id, perm=AssignmentPerm.SUPERVISE)
    if not may_download(user, assignment):
        raise PermissionDenied
    return assignment


def may_download(user: Any, assignment: Model) -> bool:
    """Whether pages show the download buttons: the same rule as the download itself."""
    return assignments_visible_to(
        user, AssignmentPerm.DOWNLOAD, type(assignment).objects.filter(pk=assignment.pk)
    ).exists()


def get_prospect_for_user(user: Any, prospect_id: Any) -> Any:
    from apps.prospects.models import Prospect

    return get_for_user(Prospect.objects.select_related("company", "assignment"), user, prospect_id)


def get_person_for_user(user: Any, person_id: Any) -> Any:
    from apps.prospects.models import Person

    return get_for_user(Person.objects.select_related("company"), user, person_id)


def get_prospect_for_agent(user: Any, prospect_id: Any) -> Any:
    """The prospect an agent is calling (their lease, or their own callback), or 404 for
    everyone else: the call screen is the agent's alone (R-NTK-2). It comes with its
    company and assignment, and `lease_expires_at`: the end of the agent's lease, if any.

    One statement (issue 16 #2): the same rule as `prospects_visible_to` for an agent (the
    assignment's guardian "work" row, never a per-row permission (R-NTK-4); the assignment
    active (R-NTK-3); the agent's unexpired lease or own callback (R-NTK-2)), written out
    once instead of built by the ORM on every call of the screen."""
    from apps.assignments.models import Assignment
    from apps.prospects.models import Company, Prospect, ProspectStatus

    if getattr(user, "role", None) != Role.AGENT or not may_open_client_data(user):
        raise Http404
    try:
        pk = uuid.UUID(prospect_id) if isinstance(prospect_id, str) else prospect_id
    except ValueError as exc:
        raise Http404 from exc
    models = (Prospect, Company, Assignment)
    with prepared_cursor() as cursor:
        cursor.execute(
            _agent_prospect_sql(),
            {
                "pk": pk,
                "agent": user.pk,
                "now": timezone.now(),
                "callback": ProspectStatus.CALLBACK.value,
                "work": AssignmentPerm.WORK.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    prospect, company, assignment = from_row(models, row)
    prospect.company, prospect.assignment = company, assignment
    prospect.lease_expires_at = row[-1]
    return prospect


@functools.cache
def _agent_prospect_sql() -> str:
    """The statement of `get_prospect_for_agent`, made once per process."""
    from apps.assignments.models import Assignment
    from apps.prospects.models import Company, Prospect

    columns = prepared_columns(("p", Prospect), ("c", Company), ("a", Assignment))
    return f"""
        SELECT {columns}, l.expires_at
        FROM prospects_prospect p
        JOIN assignments_assignment a ON a.id = p.assignment_id AND a.is_active
        JOIN prospects_company c ON c.id = p.company_id
        LEFT JOIN prospects_lease l
          ON l.prospect_id = p.id AND l.agent_id = %(agent)s AND l.expires_at > %(now)s
        WHERE p.id = %(pk)s
          AND (l.prospect_id IS NOT NULL OR (p.status = %(callback)s AND p.callback_agent_id = %(agent)s))
          AND {_agent_works_on("p.assignment_id")}"""  # noqa: S608 (column names only)


def _agent_works_on(assignment_column: str) -> str:
    """`_granted(user, WORK)` written out: the agent (%(agent)s) holds the guardian "work" row
    (%(work)s) on the assignment at `assignment_column` (R-NTK-4: on the assignment only)."""
    return f"""EXISTS (
                SELECT 1 FROM assignments_assignmentuserobjectpermission g
                JOIN auth_permission ap ON ap.id = g.permission_id
                JOIN django_content_type ct ON ct.id = ap.content_type_id
                WHERE g.user_id = %(agent)s AND g.content_object_id = {assignment_column}
                  AND ap.codename = %(work)s AND ct.app_label = 'assignments')"""  # noqa: S608 (a column name)


def get_prospect_person_for_agent(user: Any, prospect_id: Any, person_id: Any) -> tuple[Any, Any]:
    """A person as linked to the prospect an agent is calling (the call screen's persons), or 404."""
    from apps.prospects.models import Person

    prospect = get_prospect_for_agent(user, prospect_id)
    try:
        # A restricted person (R-DSR-5, Art. 18) is not processed: no verify, correction,
        # consent or "left the company" on it; the screen shows it as "restricted" only.
        person = Person.objects.select_related("company").get(
            pk=person_id, prospect_links__prospect=prospect, restricted_at__isnull=True
        )
    except (ValueError, Person.DoesNotExist) as exc:
        raise Http404 from exc
    return prospect, person


def get_import_for_user(user: Any, import_id: Any) -> Any:
    from apps.imports.models import ImportJob

    return get_for_user(ImportJob.objects.select_related("assignment", "assignment__client"), user, import_id)


def get_import_to_download(user: Any, import_id: Any) -> Any:
    """An import whose whole list of remarks the user may take away as a file: as
    `get_assignment_to_download`, the client's users only (404 for whoever cannot see the
    import, 403 for the staff who see it in the application)."""
    job = get_import_for_user(user, import_id)
    if not may_download(user, job.assignment):
        raise PermissionDenied
    return job


def get_prospect_to_manage(user: Any, prospect_id: Any) -> Any:
    """A prospect the user may edit or delete: the database holders of its assignment
    (client, supervisors, administrators), never an agent, even one holding the lease."""
    from apps.prospects.models import Prospect

    qs = Prospect.objects.select_related("company", "assignment")
    try:
        pk = uuid.UUID(prospect_id) if isinstance(prospect_id, str) else prospect_id
        return _scope_by_assignment(qs, user, "assignment", agent_filter=None).get(pk=pk)
    except (ValueError, Prospect.DoesNotExist) as exc:
        raise Http404 from exc


def get_client_contact_for_user(user: Any, contact_id: Any) -> Any:
    from apps.clients.models import ClientContact

    return get_for_user(ClientContact.objects.select_related("client"), user, contact_id)
