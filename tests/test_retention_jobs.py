"""The clock rules as jobs (R-RET-1/2/3/6): counts, notices, idempotence, crash-safety, locking."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from apps.assignments.models import ProcessorAgreement
from apps.audit.models import AccessLogEntry
from apps.prospects.models import Company, Lease, Person, ProspectPerson
from apps.retention.models import ErasureLedgerEntry, JobRun, JobStatus, Notice, NoticeKind, VerificationFlag
from apps.retention.runner import RULES, lock_key, run_rule
from tests import factories
from tests.conftest import World

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=AMS)


def months_ago(months: int, days: int = 0) -> dt.datetime:
    from dateutil.relativedelta import relativedelta

    return NOW - relativedelta(months=months) - dt.timedelta(days=days)


def add_persons(world: World, n: int, verified_at: dt.datetime) -> list[Person]:
    """n persons linked to new prospects of the world's assignment."""
    persons = []
    for _ in range(n):
        prospect = factories.ProspectFactory(assignment=world.assignment)
        person = factories.PersonFactory(
            client=world.assignment.client, company=prospect.company, verified_at=verified_at
        )
        ProspectPerson.objects.create(prospect=prospect, person=person)
        Company.objects.filter(pk=prospect.company_id).update(verified_at=NOW)
        persons.append(person)
    return persons


def state() -> dict:
    """Everything the rules change, without ids or times that differ between runs."""
    return {
        "persons": set(Person.objects.values_list("pk", flat=True)),
        "flags": set(VerificationFlag.objects.values_list("person_id", "company_id", "verified_at")),
        "notices": set(Notice.objects.values_list("recipient_id", "assignment_id", "kind", "day", "count")),
        "ledger": sorted(ErasureLedgerEntry.objects.values_list("person_id", "reason", "email_hash")),
        "leases": set(Lease.objects.values_list("pk", flat=True)),
        "ips": set(AccessLogEntry.objects.filter(ip_address__isnull=False).values_list("pk", flat=True)),
    }


def run_all(**kwargs) -> list[JobRun]:  # type: ignore[no-untyped-def]
    return [run_rule(name, now=NOW, **kwargs) for name, rule in RULES.items() if rule.in_default_run]


@pytest.fixture
def aged(world: World) -> dict[str, list[Person]]:
    Person.objects.update(verified_at=NOW)
    Company.objects.update(verified_at=NOW)
    return {
        "purge": add_persons(world, 7, months_ago(12, days=1)),
        "keep_12": add_persons(world, 2, months_ago(12, days=-1)),
        "flag": add_persons(world, 5, months_ago(6, days=1)),
        "fresh": add_persons(world, 3, months_ago(6, days=-1)),
    }


def test_purge_deletes_exactly_the_persons_past_12_months_with_ledger_entries(aged: dict) -> None:
    run = run_rule("person_purge", now=NOW, batch_size=3)
    assert run.status == JobStatus.DONE and run.counts == {"persons_deleted": 7}
    remaining = set(Person.objects.values_list("pk", flat=True))
    assert not {p.pk for p in aged["purge"]} & remaining
    assert {p.pk for p in aged["keep_12"] + aged["flag"] + aged["fresh"]} <= remaining
    ledger = ErasureLedgerEntry.objects.filter(person_id__in=[p.pk for p in aged["purge"]])
    assert ledger.count() == 7 and {e.reason for e in ledger} == {"purge"}
    entry = ledger.first()
    assert len(entry.email_hash) == 64 and "@" not in entry.email_hash


def test_flags_send_one_notice_per_agent_and_supervisor_and_email(aged: dict, world: World) -> None:
    mail.outbox.clear()
    run = run_rule("verification_flags", now=NOW, batch_size=2)
    # Persons past 12 months are the purge's, not announced for verification.
    assert run.counts["persons_flagged"] == 2 + 5
    assert "companies_flagged" not in run.counts
    notices = Notice.objects.filter(assignment=world.assignment, kind=NoticeKind.PERSONS_TO_VERIFY)
    recipients = {n.recipient.username for n in notices}
    assert recipients == {"supervisor", "agent-lease", "agent-nolease"}
    assert {n.count for n in notices} == {7}
    assert {m.to[0] for m in mail.outbox} == {n.recipient.email for n in notices if n.recipient.email}
    assert all(n.emailed_at for n in notices)
    # No names in the notice or the email.
    for message in mail.outbox:
        for person in aged["flag"]:
            assert person.last_name not in message.body and person.email not in message.body


def test_a_second_run_changes_nothing(aged: dict) -> None:
    factories.LeaseFactory(leased_at=NOW - dt.timedelta(hours=2), expires_at=NOW - dt.timedelta(hours=1))
    run_all(batch_size=4)
    first = state()
    mail.outbox.clear()
    second_runs = run_all(batch_size=4)
    assert state() == first
    assert not mail.outbox
    for run in second_runs:
        assert not any(run.counts.values()), run.counts


def test_a_run_killed_half_way_and_run_again_ends_like_one_clean_run(aged: dict) -> None:
    factories.LeaseFactory(leased_at=NOW - dt.timedelta(hours=2), expires_at=NOW - dt.timedelta(hours=1))
    with transaction.atomic():
        run_all(batch_size=2)
        clean = state()
        transaction.set_rollback(True)
    assert state() != clean

    def crash_after_two_batches(ctx) -> None:  # type: ignore[no-untyped-def]
        if ctx.batches == 2:
            raise RuntimeError("killed")

    for rule in ("person_purge", "verification_flags"):
        with pytest.raises(RuntimeError):
            run_rule(rule, now=NOW, batch_size=2, after_batch=crash_after_two_batches)
        assert JobRun.objects.filter(rule=rule).latest("started_at").status == JobStatus.FAILED
    assert Person.objects.filter(pk__in=[p.pk for p in aged["purge"]]).count() == 7 - 4  # two batches went
    run_all(batch_size=2)
    assert state() == clean


def test_a_second_concurrent_run_is_skipped(aged: dict) -> None:
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"], user=settings_dict["USER"], host=settings_dict["HOST"], port=settings_dict["PORT"]
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key("person_purge")])
        run = run_rule("person_purge", now=NOW)
        other.execute("SELECT pg_advisory_unlock(%s)", [lock_key("person_purge")])
    assert run.status == JobStatus.SKIPPED
    assert Person.objects.filter(pk__in=[p.pk for p in aged["purge"]]).count() == 7
    assert run_rule("person_purge", now=NOW).status == JobStatus.DONE


def test_dry_run_changes_nothing_and_lists_what_it_would_do(aged: dict, capsys) -> None:  # type: ignore[no-untyped-def]
    before = state()
    call_command("run_retention", "--dry-run", "--now", NOW.isoformat(), "-v", "2")
    out = capsys.readouterr().out
    assert state() == before
    assert "persons_to_delete=7" in out and "persons_to_flag=7" in out
    assert f"delete person {aged['purge'][0].pk}" in out
    assert set(JobRun.objects.values_list("dry_run", flat=True)) == {True}


def test_command_runs_one_rule_with_a_date(aged: dict, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("run_retention", "--rule", "person_purge", "--now", "2026-11-20")
    assert "person_purge: done: persons_deleted=7" in capsys.readouterr().out
    assert JobRun.objects.get().rule == "person_purge"


def test_expired_leases_are_removed(world: World) -> None:
    expired = factories.LeaseFactory(leased_at=NOW - dt.timedelta(hours=1), expires_at=NOW - dt.timedelta(minutes=1))
    live = factories.LeaseFactory(leased_at=NOW, expires_at=NOW + dt.timedelta(minutes=30))
    run = run_rule("lease_expiry", now=NOW)
    assert run.counts == {"leases_removed": 1}
    assert set(Lease.objects.filter(pk__in=[expired.pk, live.pk]).values_list("pk", flat=True)) == {live.pk}


def test_ip_addresses_are_removed_after_four_weeks(world: World) -> None:
    def log(at: dt.datetime) -> AccessLogEntry:
        return AccessLogEntry.objects.create(
            at=at, actor_id=None, action="view", object_type="prospects.prospect", object_id="x", ip_address="10.1.2.3"
        )

    old, recent = log(NOW - dt.timedelta(days=29)), log(NOW - dt.timedelta(days=27))
    agreement = world.assignment.processor_agreement
    ProcessorAgreement.objects.filter(pk=agreement.pk).update(
        accepted_ip="10.9.9.9", accepted_at=NOW - dt.timedelta(days=40)
    )
    entry = LogEntry.objects.first()
    LogEntry.objects.filter(pk=entry.pk).update(remote_addr="10.7.7.7", timestamp=NOW - dt.timedelta(days=30))

    run = run_rule("ip_removal", now=NOW)

    assert run.counts["access_log_ips_removed"] >= 1
    assert AccessLogEntry.objects.get(pk=old.pk).ip_address is None
    assert AccessLogEntry.objects.get(pk=recent.pk).ip_address == "10.1.2.3"
    assert ProcessorAgreement.objects.get(pk=agreement.pk).accepted_ip is None
    assert LogEntry.objects.get(pk=entry.pk).remote_addr is None
    # The access log stays otherwise untouched (the append-only trigger allowed exactly this).
    assert AccessLogEntry.objects.get(pk=old.pk).object_id == "x"


def test_a_verified_record_is_announced_again_after_its_new_six_months(aged: dict) -> None:
    from apps.prospects.services import person_verify

    run_rule("verification_flags", now=NOW)
    person = aged["flag"][0]
    person_verify(person=person, actor=None, now=NOW)
    later = NOW + dt.timedelta(days=200)
    run = run_rule("verification_flags", now=later)
    assert person.pk in set(VerificationFlag.objects.filter(verified_at=NOW).values_list("person_id", flat=True))
    assert run.counts["persons_flagged"] >= 1


def test_notices_page_shows_only_ones_own_notices(aged: dict, world: World) -> None:
    from django.urls import reverse

    run_rule("verification_flags", now=NOW)
    mine = world.client_for("agent_without_lease").get(reverse("retention:notices")).content.decode()
    assert world.assignment.name in mine and "7" in mine
    other = world.client_for("agent_other_assignment").get(reverse("retention:notices")).content.decode()
    assert world.assignment.name not in other


def test_every_beat_entry_names_a_task_that_runs_its_rule(db: None) -> None:
    from django.conf import settings

    import apps.retention.tasks as tasks
    from leadhunter.celery import app

    app.loader.import_default_modules()  # every app's tasks module, as a worker does
    app.finalize()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names <= set(app.tasks)
    assert {f"retention.{rule}" for rule in RULES} == names
    run = JobRun.objects.get(pk=tasks.lease_expiry.apply().get())
    assert (run.rule, run.status) == ("lease_expiry", JobStatus.DONE)


@pytest.mark.django_db
def test_old_job_run_records_are_pruned_and_running_ones_kept() -> None:
    def record(days_ago: int, status: str = JobStatus.DONE) -> JobRun:
        at = NOW - dt.timedelta(days=days_ago)
        return JobRun.objects.create(rule="lease_expiry", started_at=at, finished_at=at, now=at, status=status)

    old, running_long_ago, recent = record(401), record(500, JobStatus.RUNNING), record(399)

    dry = run_rule("job_run_prune", now=NOW, dry_run=True)
    assert dry.counts["job_runs_to_remove"] == 1 and JobRun.objects.filter(pk=old.pk).exists()
    run = run_rule("job_run_prune", now=NOW, batch_size=1)

    assert run.counts["job_runs_removed"] == 1
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.filter(pk__in=[running_long_ago.pk, recent.pk, run.pk]).count() == 3
    assert run_rule("job_run_prune", now=NOW).counts.get("job_runs_removed", 0) == 0
