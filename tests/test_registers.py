"""The privacy registers (issue 6): subprocessors and their agreements (R-REG-1), the breach
register with its 72-hour clock (R-REG-2), the read-only suppression list and erasure
ledger pages, and their clock rules."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AccessLogEntry
from apps.core.errors import ServiceError
from apps.core.private_files import private_path
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import SuppressionEntry
from apps.registers import selectors, services
from apps.registers.demo import seed_registers_demo
from apps.registers.models import AgreementTerm, Breach, ReportDecision, Subprocessor, SubprocessorAgreement
from apps.registers.terms import DataCategory, Term, TermUnit, exceeds, our_limit
from apps.retention.models import ErasureLedgerEntry, JobStatus
from apps.retention.runner import run_rule
from tests.conftest import World
from tests.factories import ClientFactory

D, M, Y = TermUnit.DAYS, TermUnit.MONTHS, TermUnit.YEARS
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(world: World) -> User:
    user = world.users["privacy_officer"]
    User.objects.filter(pk=user.pk).update(email="privacy@leadhunter.example")
    user.refresh_from_db()
    return user


@pytest.fixture
def http(world: World, officer: User):  # type: ignore[no-untyped-def]
    return world.client_for("privacy_officer")


def _hosting(categories: list[str] | None = None) -> Subprocessor:
    return services.subprocessor_create(
        actor=None,
        name="Hosting BV",
        service="hosting",
        country="nl",
        categories=categories or [DataCategory.PERSONS, DataCategory.COMPANIES, DataCategory.ACCESS_LOGS],
    )


def _agreement(subprocessor: Subprocessor, terms: dict, **data) -> SubprocessorAgreement:  # type: ignore[no-untyped-def]
    return services.agreement_create(
        subprocessor=subprocessor,
        actor=None,
        terms=terms,
        **{"signed_on": dt.date(2026, 1, 1), "reference": "V1", **data},
    )


# --- Terms: the unit comparison -------------------------------------------------------
@pytest.mark.parametrize(
    ("term", "limit", "longer"),
    [
        (Term(12, M), Term(12, M), False),
        (Term(13, M), Term(12, M), True),
        (Term(1, Y), Term(12, M), False),
        (Term(2, Y), Term(12, M), True),
        (Term(11, M), Term(1, Y), False),
        (Term(28, D), Term(28, D), False),
        (Term(29, D), Term(28, D), True),
        # Days against calendar months: longer when it ends later for some start date.
        (Term(28, D), Term(1, M), False),
        (Term(29, D), Term(1, M), True),  # 1 February + 1 month lasts 28 days
        (Term(365, D), Term(12, M), False),
        (Term(366, D), Term(12, M), True),  # a year without a leap day
        (Term(1, M), Term(28, D), True),  # most months last longer than 28 days
        (Term(1, M), Term(31, D), False),
        (Term(1, Y), Term(366, D), False),
        (Term(1, Y), Term(365, D), True),
        (Term(5, Y), Term(1827, D), False),  # 2024-01-01 + 5 years holds two leap days
        (Term(5, Y), Term(1826, D), True),
    ],
)
def test_term_comparison_handles_units(term: Term, limit: Term, longer: bool) -> None:
    assert exceeds(term, limit) is longer


def test_our_limits_follow_the_periods(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEADHUNTER_PERIODS = {**settings.LEADHUNTER_PERIODS, "PERSON_DELETE_AFTER_MONTHS": 9, "IP_KEEP_DAYS": 7}
    assert our_limit(DataCategory.PERSONS) == Term(9, M)
    assert our_limit(DataCategory.ACCESS_LOGS) == Term(7, D)
    assert our_limit(DataCategory.EMPLOYEES) == Term(5, Y)
    assert our_limit(DataCategory.APPLICANTS) == Term(1, Y)
    assert our_limit(DataCategory.BACKUPS) == Term(14, D)
    assert our_limit(DataCategory.COMPANIES) is None


# --- Agreements: validation (R-REG-1) --------------------------------------------------
def test_subprocessor_country_outside_the_eea_is_flagged(db: None) -> None:
    assert _hosting().country == "NL"
    assert not Subprocessor.objects.get().outside_eea
    us = services.subprocessor_create(actor=None, name="Mail Inc", service="mail", country="US", categories=[])
    assert us.outside_eea


def test_agreement_within_our_limits_is_stored_with_its_terms(db: None) -> None:
    agreement = _agreement(
        _hosting(),
        {DataCategory.PERSONS: Term(1, Y), DataCategory.COMPANIES: None, DataCategory.ACCESS_LOGS: Term(28, D)},
    )
    assert {(t.category, t.number, t.unit) for t in agreement.terms.all()} == {
        ("persons", 1, "years"),
        ("access_logs", 28, "days"),
    }


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({DataCategory.PERSONS: Term(13, M), DataCategory.ACCESS_LOGS: Term(28, D)}, "12"),
        ({DataCategory.PERSONS: Term(2, Y), DataCategory.ACCESS_LOGS: Term(28, D)}, "12"),
        ({DataCategory.PERSONS: Term(12, M), DataCategory.ACCESS_LOGS: Term(1, M)}, "28"),
        ({DataCategory.PERSONS: Term(400, D), DataCategory.ACCESS_LOGS: Term(28, D)}, "12"),
        ({DataCategory.ACCESS_LOGS: Term(28, D)}, "12"),  # no term for persons
    ],
)
def test_agreement_longer_than_ours_is_refused_naming_our_limit(db: None, terms: dict, message: str) -> None:
    subprocessor = _hosting()
    with pytest.raises(ServiceError) as refused:
        _agreement(subprocessor, terms)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert not SubprocessorAgreement.objects.exists() and not AgreementTerm.objects.exists()


def test_agreement_dates_are_checked(db: None) -> None:
    subprocessor = _hosting([DataCategory.COMPANIES])
    with pytest.raises(ServiceError):
        _agreement(subprocessor, {}, valid_until=dt.date(2025, 12, 31))
    with pytest.raises(ServiceError):
        _agreement(subprocessor, {}, ended_on=dt.date(2025, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        SubprocessorAgreement.objects.create(
            subprocessor=subprocessor, signed_on=dt.date(2026, 1, 1), reference="x", valid_until=dt.date(2025, 1, 1)
        )


def test_agreement_form_shows_the_refusal_and_writes_nothing(http, officer: User) -> None:  # type: ignore[no-untyped-def]
    subprocessor = _hosting()
    response = http.post(
        reverse("registers:agreement-create", args=[subprocessor.pk]),
        {
            "signed_on": "2026-01-01",
            "reference": "V2",
            "term_persons_number": "2",
            "term_persons_unit": "years",
            "term_access_logs_number": "28",
            "term_access_logs_unit": "days",
            "term_companies_unit": "months",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "12" in errors and "2" in errors
    assert not SubprocessorAgreement.objects.exists()
    response = http.post(
        reverse("registers:agreement-create", args=[subprocessor.pk]),
        {
            "signed_on": "2026-01-01",
            "reference": "V2",
            "term_persons_number": "1",
            "term_persons_unit": "years",
            "term_access_logs_number": "4",
            "term_access_logs_unit": "days",
            "term_companies_unit": "months",
        },
    )
    assert response.status_code == 302
    assert AgreementTerm.objects.filter(category="persons", number=1, unit="years").exists()


def test_signed_document_is_stored_served_to_officers_and_replaced(
    http, world: World, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    subprocessor = _hosting([DataCategory.COMPANIES])
    form = {"signed_on": "2026-01-01", "reference": "V1", "term_companies_unit": "months"}
    pdf = SimpleUploadedFile("verwerkersovereenkomst.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    assert (
        http.post(reverse("registers:agreement-create", args=[subprocessor.pk]), {**form, "document": pdf}).status_code
        == 302
    )
    agreement = SubprocessorAgreement.objects.get()
    first = private_path(agreement.document_path)
    assert first.read_bytes() == b"%PDF-1.4 signed" and agreement.document_name == "verwerkersovereenkomst.pdf"
    url = reverse("registers:agreement-document", args=[agreement.pk])
    response = http.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    assert "attachment" in response["Content-Disposition"]
    for role in ("administrator", "board", "client_same_tenant"):
        assert world.client_for(role).get(url).status_code == 404
    # A refused edit keeps the old file and stores no new one.
    bad = SimpleUploadedFile("v2.pdf", b"%PDF-1.4 v2", content_type="application/pdf")
    edit = reverse("registers:agreement-edit", args=[agreement.pk])
    response = http.post(edit, {**form, "valid_until": "2025-01-01", "document": bad})
    assert response.status_code == 200 and first.exists()
    assert sorted(p.name for p in (tmp_path / "registers").iterdir()) == [first.name]
    # A new file replaces the old one, on disk too.
    v2 = SimpleUploadedFile("v2.pdf", b"%PDF-1.4 v2", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        assert http.post(edit, {**form, "document": v2}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document_name == "v2.pdf" and not first.exists()
    assert private_path(agreement.document_path).read_bytes() == b"%PDF-1.4 v2"


def test_agreement_without_document_has_no_download(http) -> None:  # type: ignore[no-untyped-def]
    agreement = _agreement(_hosting([DataCategory.COMPANIES]), {})
    assert http.get(reverse("registers:agreement-document", args=[agreement.pk])).status_code == 404


# --- Our periods shortened later (R-REG-1) ---------------------------------------------
def test_shortened_periods_show_on_the_list_and_are_mailed_once(http, officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    subprocessor = _hosting()
    _agreement(subprocessor, {DataCategory.PERSONS: Term(12, M), DataCategory.ACCESS_LOGS: Term(28, D)})
    ended = _agreement(
        subprocessor,
        {DataCategory.PERSONS: Term(12, M), DataCategory.ACCESS_LOGS: Term(28, D)},
        reference="V0",
        ended_on=dt.date(2026, 1, 2),
    )
    response = http.get(reverse("registers:subprocessors"))
    assert response.context["excesses"] == []
    assert run_rule("subprocessor_terms_check").counts == {"terms_reported": 0}
    assert mail.outbox == []

    settings.LEADHUNTER_PERIODS = {**settings.LEADHUNTER_PERIODS, "PERSON_DELETE_AFTER_MONTHS": 9}
    response = http.get(reverse("registers:subprocessors"))
    excesses = response.context["excesses"]
    assert [(e.term.category, e.limit) for e in excesses] == [("persons", Term(9, M))]
    assert excesses[0].agreement != ended  # an ended agreement no longer matters
    assert "V1" in response.content.decode()

    run = run_rule("subprocessor_terms_check")
    assert run.status == JobStatus.DONE and run.counts == {"terms_reported": 1}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["privacy@leadhunter.example"]
    assert "Hosting BV" in mail.outbox[0].body and "V1" in mail.outbox[0].body
    # Idempotent: the same excess is not mailed again; a further shortening is.
    assert run_rule("subprocessor_terms_check").counts == {"terms_reported": 0}
    assert len(mail.outbox) == 1
    settings.LEADHUNTER_PERIODS = {**settings.LEADHUNTER_PERIODS, "PERSON_DELETE_AFTER_MONTHS": 8}
    assert run_rule("subprocessor_terms_check").counts == {"terms_reported": 1}
    assert len(mail.outbox) == 2


def test_terms_check_dry_run_mails_nothing(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    _agreement(_hosting(), {DataCategory.PERSONS: Term(12, M), DataCategory.ACCESS_LOGS: Term(28, D)})
    settings.LEADHUNTER_PERIODS = {**settings.LEADHUNTER_PERIODS, "IP_KEEP_DAYS": 14}
    assert run_rule("subprocessor_terms_check", dry_run=True).counts == {"terms_to_report": 1}
    assert AgreementTerm.objects.filter(warned_for="").count() == 2


# --- Breaches: validation (R-REG-2) -------------------------------------------------------
def _breach(**data) -> Breach:  # type: ignore[no-untyped-def]
    values = {
        "summary": "Laptop stolen",
        "description": "A laptop was stolen.",
        "discovered_at": NOW - dt.timedelta(hours=10),
    }
    return services.breach_create(actor=None, now=NOW, **{**values, **data})


@pytest.mark.parametrize(
    "data",
    [
        {"discovered_at": NOW + dt.timedelta(hours=1)},
        {"occurred_at": NOW - dt.timedelta(hours=5)},  # after the discovery
        {"decision": ReportDecision.REPORTED},  # without reported_at
        {"decision": ReportDecision.REPORTED, "reported_at": NOW - dt.timedelta(hours=11)},
        {"decision": ReportDecision.REPORTED, "reported_at": NOW + dt.timedelta(hours=1)},
        {"decision": ReportDecision.PENDING, "reported_at": NOW - dt.timedelta(hours=1)},
        {"decision": ReportDecision.NOT_REPORTED, "not_reported_reason": "  "},
        {"subjects_informed_at": NOW - dt.timedelta(hours=11)},
        {"closed_at": NOW},  # still undecided
        {
            "decision": ReportDecision.NOT_REPORTED,
            "not_reported_reason": "x",
            "closed_at": NOW - dt.timedelta(hours=11),
        },
        {"categories": ["nonsense"]},
    ],
)
def test_inconsistent_breach_is_refused(db: None, data: dict) -> None:
    with pytest.raises(ServiceError):
        _breach(**data)
    assert not Breach.objects.exists()


def test_breach_decisions_that_are_allowed(db: None) -> None:
    client = ClientFactory()
    reported = _breach(
        decision=ReportDecision.REPORTED,
        reported_at=NOW - dt.timedelta(hours=2),
        ap_reference="AP-123",
        clients=[client],
        subjects_informed_at=NOW - dt.timedelta(hours=1),
    )
    assert list(reported.clients.all()) == [client]
    not_reported = _breach(decision=ReportDecision.NOT_REPORTED, not_reported_reason="Encrypted disk.", closed_at=NOW)
    assert not not_reported.awaiting_report
    with pytest.raises(IntegrityError), transaction.atomic():
        Breach.objects.filter(pk=not_reported.pk).update(not_reported_reason="")


def test_breach_form_refusal_is_shown_and_nothing_written(http, world: World) -> None:  # type: ignore[no-untyped-def]
    response = http.post(
        reverse("registers:breach-create"),
        {
            "summary": "Mail to the wrong client",
            "description": "An export went to the wrong address.",
            "discovered_at": "2026-11-20T10:00",
            "decision": "reported",
            "reported_at": "2026-11-19T10:00",
            "clients": [str(world.acme.pk)],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Breach.objects.exists()
    response = http.post(
        reverse("registers:breach-create"),
        {
            "summary": "Mail to the wrong client",
            "description": "An export went to the wrong address.",
            "discovered_at": "2026-11-20T10:00",
            "categories": ["persons"],
            "decision": "not_reported",
            "not_reported_reason": "Recipient deleted it at once, confirmed in writing.",
            "clients": [str(world.acme.pk)],
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert list(breach.clients.all()) == [world.acme] and breach.categories == ["persons"]


@pytest.mark.parametrize(
    "payload",
    [
        {"discovered_at": "yesterday", "summary": "x", "description": "x", "decision": "pending"},
        {"discovered_at": "2026-11-20T10:00", "summary": "x", "description": "x", "decision": "maybe"},
        {"discovered_at": "2026-11-20T10:00", "summary": "x", "description": "x", "persons_affected": "-3"},
        {"discovered_at": "2026-11-20T10:00", "summary": "x" * 500, "description": "x", "clients": ["not-a-uuid"]},
        {"discovered_at": "99999-01-01T00:00", "summary": "x", "description": "x"},
    ],
)
def test_bad_breach_input_is_a_form_error_never_a_500(http, payload: dict) -> None:  # type: ignore[no-untyped-def]
    response = http.post(reverse("registers:breach-create"), payload)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Breach.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"signed_on": "not a date", "reference": "x"},
        {"signed_on": "2026-01-01", "reference": "x", "term_persons_number": "abc", "term_persons_unit": "weeks"},
        {"signed_on": "2026-01-01", "reference": "x", "term_persons_number": "0", "term_persons_unit": "days"},
        {"signed_on": "2026-01-01", "reference": "x", "term_persons_number": "10" * 30, "term_persons_unit": "days"},
    ],
)
def test_bad_agreement_input_is_a_form_error_never_a_500(http, payload: dict) -> None:  # type: ignore[no-untyped-def]
    subprocessor = _hosting()
    response = http.post(reverse("registers:agreement-create", args=[subprocessor.pk]), payload)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SubprocessorAgreement.objects.exists()


def test_bad_subprocessor_input_is_a_form_error(http) -> None:  # type: ignore[no-untyped-def]
    _hosting()
    for payload in (
        {"name": "X", "service": "y", "country": "Netherlands"},
        {"name": "hosting bv", "service": "y", "country": "NL"},  # the same name
        {"name": "Y", "service": "y", "country": "NL", "categories": ["nonsense"]},
    ):
        response = http.post(reverse("registers:subprocessor-create"), payload)
        assert response.status_code == 200, payload
        assert response.context["form"].errors, payload
    assert Subprocessor.objects.count() == 1


# --- The 72-hour clock ----------------------------------------------------------------
def test_clock_shows_time_left_then_overdue(http) -> None:  # type: ignore[no-untyped-def]
    discovered = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(discovered + dt.timedelta(hours=1), tick=False):
        breach = services.breach_create(actor=None, summary="Lost USB stick", description="x", discovered_at=discovered)
    assert breach.report_deadline == discovered + dt.timedelta(hours=72)
    with time_machine.travel(discovered + dt.timedelta(hours=49, minutes=30), tick=False):
        response = http.get(reverse("registers:breaches"))
        [(_, clock)] = response.context["breaches"]
        assert (clock["overdue"], clock["soon"], clock["hours"], clock["minutes"]) == (False, True, 22, 30)
        assert "22" in response.content.decode()
        detail = http.get(reverse("registers:breach", args=[breach.pk]))
        assert detail.context["clock"]["hours"] == 22
    with time_machine.travel(discovered + dt.timedelta(hours=75, minutes=5), tick=False):
        clock = http.get(reverse("registers:breach", args=[breach.pk])).context["clock"]
        assert (clock["overdue"], clock["hours"], clock["minutes"]) == (True, 3, 5)
        # Once decided, the deadline no longer counts down.
        services.breach_update(breach=breach, actor=None, decision=ReportDecision.REPORTED, reported_at=timezone.now())
        clock = http.get(reverse("registers:breach", args=[breach.pk])).context["clock"]
        assert not clock["relevant"]


def test_open_unreported_breaches_come_first(http) -> None:  # type: ignore[no-untyped-def]
    reported = _breach(
        summary="old reported", decision=ReportDecision.REPORTED, reported_at=NOW - dt.timedelta(hours=1)
    )
    later = _breach(summary="later", discovered_at=NOW - dt.timedelta(hours=2))
    earlier = _breach(summary="earlier", discovered_at=NOW - dt.timedelta(hours=40))
    closed = _breach(
        summary="closed",
        discovered_at=NOW - dt.timedelta(hours=1),
        decision=ReportDecision.NOT_REPORTED,
        not_reported_reason="no risk",
        closed_at=NOW,
    )
    response = http.get(reverse("registers:breaches"))
    assert [b for b, _ in response.context["breaches"]] == [earlier, later, closed, reported]


# --- The reminder rule ----------------------------------------------------------------
def test_reminder_mails_due_soon_then_overdue_once_each(officer: User) -> None:
    discovered = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(discovered, tick=False):
        breach = services.breach_create(actor=None, summary="Lost USB stick", description="x", discovered_at=discovered)
        services.breach_create(
            actor=None,
            summary="Reported one",
            description="x",
            discovered_at=discovered,
            decision=ReportDecision.REPORTED,
            reported_at=discovered,
        )
    fresh_at = discovered + dt.timedelta(hours=40)
    with time_machine.travel(fresh_at, tick=False):
        services.breach_create(actor=None, summary="Fresh", description="x", discovered_at=fresh_at)

    def run(hours: float) -> dict:
        return run_rule("breach_deadline_reminder", now=discovered + dt.timedelta(hours=hours)).counts

    assert run(47) == {"breaches_mailed": 0}  # 25 hours left: not yet
    assert mail.outbox == []
    assert run(48.5) == {"breaches_mailed": 1}  # within 24 hours
    assert len(mail.outbox) == 1 and "Lost USB stick" in mail.outbox[0].body
    assert reverse("registers:breach", args=[breach.pk]) in mail.outbox[0].body
    assert mail.outbox[0].to == ["privacy@leadhunter.example"]
    assert run(49) == {"breaches_mailed": 0}  # idempotent
    assert run_rule("breach_deadline_reminder", now=discovered + dt.timedelta(hours=73), dry_run=True).counts == {
        "breaches_to_mail": 1
    }
    assert len(mail.outbox) == 1
    assert run(73) == {"breaches_mailed": 1}  # overdue now
    assert len(mail.outbox) == 2 and "Lost USB stick" in mail.outbox[1].body
    assert "Fresh" not in mail.outbox[1].body
    assert run(74) == {"breaches_mailed": 0}
    breach.refresh_from_db()
    assert breach.due_soon_mailed_at and breach.overdue_mailed_at
    # The fresh one gets its turn when its own 72 hours near; the reported one never.
    assert run(40 + 49) == {"breaches_mailed": 1}
    assert "Fresh" in mail.outbox[2].body and "Reported one" not in mail.outbox[2].body


def test_reminder_beat_entry_and_task_exist(settings) -> None:  # type: ignore[no-untyped-def]
    import apps.registers.tasks  # noqa: F401  (what the worker's autodiscovery imports)
    from leadhunter.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"retention.breach_deadline_reminder", "retention.subprocessor_terms_check"} <= tasks
    assert "retention.breach_deadline_reminder" in app.tasks


# --- Suppression list and erasure ledger -------------------------------------------------
def test_suppression_check_answers_and_stores_nothing_typed(http, officer: User) -> None:  # type: ignore[no-untyped-def]
    hashes = IdentifierHashes.of(email="ZQ.Vermeulen@Example.nl")
    entry = SuppressionEntry.objects.create(email_hash=hashes.email, reason="erasure")
    before = AccessLogEntry.objects.count()
    response = http.post(reverse("registers:suppression"), {"email": " zq.vermeulen@example.nl "})
    assert response.status_code == 200 and response.context["result"] is True
    assert "zq.vermeulen" not in response.content.decode().lower()
    response = http.post(reverse("registers:suppression"), {"phone": "+31 6 97531864"})
    assert response.context["result"] is False
    logs = list(AccessLogEntry.objects.order_by("pk")[before:])
    assert [(log.actor_id, log.object_type, log.object_ids) for log in logs] == [
        (officer.pk, "privacy.suppressionentry", [str(entry.pk)]),
        (officer.pk, "privacy.suppressionentry", []),
    ]
    # Neither value is anywhere in the database (every text column of every table).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE data_type IN "
            "('text', 'character varying', 'jsonb') AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        for schema, table, column in cursor.fetchall():
            quoted = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"
            col = connection.ops.quote_name(column)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} WHERE {col}::text ILIKE %s OR {col}::text LIKE %s",  # noqa: S608
                ["%zq.vermeulen%", "%97531864%"],
            )
            assert cursor.fetchone()[0] == 0, (table, column)


def test_suppression_check_without_values_is_a_form_error(http) -> None:  # type: ignore[no-untyped-def]
    response = http.post(reverse("registers:suppression"), {"first_name": "Jan"})
    assert response.status_code == 200 and response.context["result"] is None
    assert response.context["form"].non_field_errors()


def test_suppression_and_ledger_pages_count_per_reason_without_hashes(http) -> None:  # type: ignore[no-untyped-def]
    for i, reason in enumerate(["erasure", "erasure", "consent_withdrawn"]):
        SuppressionEntry.objects.create(email_hash=f"{i:064x}", reason=reason)
    response = http.get(reverse("registers:suppression"))
    stats = response.context["stats"]
    assert {row["reason"]: row["count"] for row in stats["by_reason"]} == {"erasure": 2, "consent_withdrawn": 1}
    assert stats["total"] == 3 and len(stats["latest"]) == 3
    assert f"{0:064x}" not in response.content.decode()

    seen = {row["reason"]: row["count"] for row in selectors.ledger_stats(user=None, now=timezone.now())["by_reason"]}
    assert seen == {}  # the scope: nobody but officers
    before = {
        row["reason"]: row["count"] for row in http.get(reverse("registers:erasures")).context["stats"]["by_reason"]
    }
    ErasureLedgerEntry.objects.create(
        erased_at=timezone.now(), reason="erasure", person_id=uuid.uuid4(), email_hash="ab" * 32
    )
    response = http.get(reverse("registers:erasures"))
    after = {row["reason"]: row["count"] for row in response.context["stats"]["by_reason"]}
    assert after.get("erasure", 0) == before.get("erasure", 0) + 1
    assert "ab" * 32 not in response.content.decode()


# --- Permissions beyond the matrix ------------------------------------------------------
@pytest.mark.parametrize("role", ["administrator", "board", "supervisor", "client_same_tenant", "agent_with_lease"])
def test_others_get_404_for_existing_register_rows(world: World, role: str) -> None:
    breach = _breach()
    subprocessor = _hosting([DataCategory.COMPANIES])
    http = world.client_for(role)
    assert http.get(reverse("registers:breach", args=[breach.pk])).status_code == 404
    assert http.get(reverse("registers:subprocessor", args=[subprocessor.pk])).status_code == 404
    response = http.post(reverse("registers:suppression"), {"email": "x@example.nl"})
    assert response.status_code == 404
    assert Breach.objects.visible_to(world.users[role]).count() == 0


def test_officer_without_confidentiality_agreement_sees_nothing(world: World, officer: User) -> None:
    _breach()
    User.objects.filter(pk=officer.pk).update(confidentiality_signed_on=None)
    officer.refresh_from_db()
    # The site-wide R-NTK-5 page (403) answers first; the scope refuses as well.
    response = world.client_for("privacy_officer").get(reverse("registers:breaches"))
    assert response.status_code == 403 and "Laptop stolen" not in response.content.decode()
    assert Breach.objects.visible_to(officer).count() == 0


def test_opening_a_breach_is_access_logged(http, officer: User) -> None:  # type: ignore[no-untyped-def]
    breach = _breach()
    http.get(reverse("registers:breach", args=[breach.pk]))
    log = AccessLogEntry.objects.latest("pk")
    assert (log.actor_id, log.object_type, log.object_id) == (officer.pk, "registers.breach", str(breach.pk))


def test_unknown_ids_are_404(http) -> None:  # type: ignore[no-untyped-def]
    assert http.get(reverse("registers:breach", args=[uuid.uuid4()])).status_code == 404
    assert http.get(reverse("registers:agreement-edit", args=[uuid.uuid4()])).status_code == 404


def test_start_page_links_for_officers_only(world: World, officer: User) -> None:
    assert reverse("registers:breaches") in world.client_for("privacy_officer").get("/").content.decode()
    assert reverse("registers:breaches") not in world.client_for("board").get("/").content.decode()


# --- Query counts -------------------------------------------------------------------------
@pytest.mark.parametrize("size", [1, 8])
def test_register_pages_run_a_bounded_number_of_queries(http, django_assert_max_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    clients = ClientFactory.create_batch(3)
    for i in range(size):
        subprocessor = services.subprocessor_create(
            actor=None, name=f"Sub {i}", service="s", country="DE", categories=[DataCategory.PERSONS]
        )
        _agreement(subprocessor, {DataCategory.PERSONS: Term(6, M)})
        _agreement(subprocessor, {DataCategory.PERSONS: Term(3, M)}, reference="V2")
        _breach(summary=f"Breach {i}", clients=clients)
        SuppressionEntry.objects.create(email_hash=f"{i:064x}", reason="erasure")
    for name in ("registers:subprocessors", "registers:breaches", "registers:suppression", "registers:erasures"):
        with django_assert_max_num_queries(12):
            assert http.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(12):
        assert http.get(reverse("registers:subprocessor", args=[subprocessor.pk])).status_code == 200


# --- Audit log and demo -------------------------------------------------------------------
def test_register_changes_are_in_the_auditlog_with_free_texts_masked(db: None) -> None:
    breach = _breach(description="Jan Bakker's file was mailed to the wrong client.")
    services.breach_update(breach=breach, actor=None, now=NOW, measures="Asked the recipient to delete it.")
    entries = LogEntry.objects.get_for_object(breach)
    assert entries.count() == 2
    assert "Jan Bakker" not in str(list(entries.values_list("changes", flat=True)))
    subprocessor = _hosting()
    assert LogEntry.objects.get_for_object(subprocessor).exists()


def test_demo_registers_are_idempotent(world: World) -> None:
    seed_registers_demo(users=world.users)
    seed_registers_demo(users=world.users)
    assert Subprocessor.objects.count() == 1 and SubprocessorAgreement.objects.count() == 1
    assert Breach.objects.count() == 1
    assert list(Breach.objects.get().clients.all()) == [world.acme]
