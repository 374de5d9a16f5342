"""Celery tasks of the clock rules (SPEC §3, R-RET-1), one per rule, in the beat schedule of
the settings. Each runs its rule under the rule's advisory lock and records a JobRun; a
second run at the same time records "skipped". Safe to run twice."""

from __future__ import annotations

from celery import shared_task

from apps.retention.runner import run_rule


@shared_task(name="retention.lease_expiry")
def lease_expiry() -> int:
    """R-NTK-2: removes expired leases (the queue's hold on a prospect, LEASE_MINUTES)."""
    return run_rule("lease_expiry").pk


@shared_task(name="retention.person_purge")
def person_purge() -> int:
    """R-RET-3: deletes persons not verified for PERSON_DELETE_AFTER_MONTHS (12) months, with
    an erasure-ledger entry each (R-DEL-1, R-DSR-4)."""
    return run_rule("person_purge").pk


@shared_task(name="retention.verification_flags")
def verification_flags() -> int:
    """R-RET-2: announces companies and persons unverified for VERIFY_AFTER_MONTHS (6) months
    to the agents and supervisors of their assignments, in the app and by email."""
    return run_rule("verification_flags").pk


@shared_task(name="retention.ip_removal")
def ip_removal() -> int:
    """R-RET-6: removes IP addresses older than IP_KEEP_DAYS (28 days) from the access log,
    processor agreements and the change log."""
    return run_rule("ip_removal").pk


@shared_task(name="retention.backup")
def backup() -> int:
    """R-DEL-2: the daily backup (pg_dump, without the erasure ledger); backups older than
    BACKUP_KEEP_DAYS (14) are deleted."""
    return run_rule("backup").pk


@shared_task(name="retention.job_run_prune")
def job_run_prune() -> int:
    """R-RET-1: removes records of clock-rule runs older than JOB_RUN_KEEP_DAYS (400)."""
    return run_rule("job_run_prune").pk


@shared_task(name="retention.session_cleanup")
def session_cleanup() -> int:
    """R-DEL-1, R-SEC-1: removes expired sessions from django_session daily (clearsessions)."""
    return run_rule("session_cleanup").pk


@shared_task(name="retention.legal_hold_expiry")
def legal_hold_expiry() -> int:
    """R-HOLD-1: legal holds whose end date passed end; the privacy officers are mailed once."""
    return run_rule("legal_hold_expiry").pk
