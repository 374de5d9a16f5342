"""The records of the clock rules (SPEC §3, R-RET-1) and the erasure ledger (R-DSR-4, R-DEL-2)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped: another run holds the lock")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """One run of one clock rule, by beat or by `run_retention` (R-RET-1): when, which
    rule, the "now" it used, and what it counted. Read by administrators in the admin."""

    rule = models.CharField(_("rule"), max_length=60)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    now = models.DateTimeField(_("the date and time the rule applied"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.RUNNING)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [
            # The admin list and "last run of a rule": WHERE rule = ? ORDER BY started_at DESC
            models.Index(fields=["rule", "-started_at"], name="jobrun_rule_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.started_at:%Y-%m-%d %H:%M}"


class VerificationFlag(models.Model):
    """The flag job's memory: this record's current `verified_at` has been announced as
    due (R-RET-2). One row per record at most; a re-verified record is announced again
    when its new 6 months are up. Ids and a date only, no personal data; it cascades with
    the record. The flag itself is computed from the date (`needs_verification`)."""

    # Named, not "+": a hidden relation is missed by code that walks `_meta.related_objects`.
    person = models.OneToOneField(
        "prospects.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="verification_flag"
    )
    company = models.OneToOneField(
        "prospects.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="verification_flag"
    )
    verified_at = models.DateTimeField()
    flagged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="verification_flag_one_record",
                condition=Q(person__isnull=False, company__isnull=True) | Q(person__isnull=True, company__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Verification flag')} {self.pk}"


class NoticeKind(models.TextChoices):
    PERSONS_TO_VERIFY = "persons_to_verify", _("Contact persons to verify")
    COMPANIES_TO_VERIFY = "companies_to_verify", _("Companies to verify")
    # To a client's users (R-DSR-4, R-CON-1): persons of an assignment erased on request
    # or after withdrawing consent. A count only: no copy of the person remains.
    PERSONS_ERASED = "persons_erased", _("Contact persons erased")
    # To the supervisors of an assignment that reached its end date and was set inactive
    # (`apps.assignments.rules.assignment_end`); emailed by its own task, not the flag job's.
    ASSIGNMENT_ENDED = "assignment_ended", _("Assignment ended")
    # To a client's users (R-DSR-5, Art. 18/19): persons of an assignment restricted, or
    # corrected, on their own request. A count only.
    PERSONS_RESTRICTED = "persons_restricted", _("Contact persons restricted")
    PERSONS_CORRECTED = "persons_corrected", _("Contact persons corrected")


class Notice(models.Model):
    """An in-app notice to an agent or supervisor, also sent by email (R-RET-2).

    Counts per assignment and day, never names: "12 contact persons of assignment X are
    due for verification". The flag job adds to the day's count in the same transaction
    as its flags, so a crash neither loses nor doubles a count.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    assignment = models.ForeignKey("assignments.Assignment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=NoticeKind.choices)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("number"), default=0)
    created_at = models.DateTimeField(_("created at"))
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "assignment", "kind", "day"], name="notice_one_per_day"),
        ]
        indexes = [
            # A user's notices page: WHERE recipient_id = ? ORDER BY created_at DESC
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_idx"),
            # The email outbox: WHERE emailed_at IS NULL
            models.Index(fields=["recipient"], condition=Q(emailed_at__isnull=True), name="notice_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Notice')} {self.pk}"


class HoldKind(models.TextChoices):
    """What a legal hold can be put on (R-HOLD-1)."""

    PERSON = "person", _("Contact person")
    COMPANY = "company", _("Company")
    ASSIGNMENT = "assignment", _("Assignment")
    EMPLOYEE = "employee", _("Employee file")
    APPLICANT = "applicant", _("Applicant file")


class LegalHold(models.Model):
    """A legal hold (R-HOLD-1): data kept longer during legal proceedings. While it runs
    (`ends_on` not passed, not lifted), no clock rule deletes or blanks the record it
    names, nor what hangs on it (a company's and an assignment's persons): every rule
    asks `apps.retention.holds.exclude_held`. The record is named by kind and id, no
    foreign key: the hold says what it protects even when the record went another way
    (a client's own delete). Ids, a reason and dates; the reason is the officer's text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("held record"), max_length=12, choices=HoldKind.choices)
    object_id = models.UUIDField(_("record id"))
    reason = models.TextField(_("reason"), max_length=2000)
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(_("placed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the hold ended (its date passed, noticed by the rule `legal_hold_expiry`,
    # or lifted by an officer); the officers are mailed once, then.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["ends_on", "created_at"]
        constraints = [
            models.CheckConstraint(name="legal_hold_kind_valid", condition=Q(kind__in=HoldKind.values)),
            models.CheckConstraint(name="legal_hold_has_reason", condition=~Q(reason="")),
        ]
        indexes = [
            # Every clock rule: WHERE ended_at IS NULL AND ends_on >= today AND kind = ?
            models.Index(fields=["kind", "ends_on"], condition=Q(ended_at__isnull=True), name="legal_hold_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Legal hold')} {self.pk}"


LEDGER_SCHEMA = "erasure_ledger"
LEDGER_TABLE = "entry"
RECORD_TABLE = "record"
SUPPRESSION_TABLE = "suppression"
# Every table of the ledger's schema (tests empty them after committing tests).
LEDGER_TABLES = (LEDGER_TABLE, RECORD_TABLE, SUPPRESSION_TABLE)

# The ledger's home: a schema of its own, outside what `backup` dumps and `restore`
# overwrites (see ErasureLedgerEntry). Idempotent, so `restore` can run it too.
LEDGER_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {LEDGER_SCHEMA};
CREATE TABLE IF NOT EXISTS {LEDGER_SCHEMA}.{LEDGER_TABLE} (
    id bigserial PRIMARY KEY,
    erased_at timestamptz NOT NULL,
    reason varchar(32) NOT NULL,
    person_id uuid NOT NULL,
    email_hash varchar(64) NOT NULL DEFAULT '',
    phone_hash varchar(64) NOT NULL DEFAULT '',
    name_company_hash varchar(64) NOT NULL DEFAULT '',
    actor_id bigint NULL
);
-- The replay after a restore: WHERE erased_at >= ? (the backup's time); the person's id.
CREATE INDEX IF NOT EXISTS entry_erased_at_idx ON {LEDGER_SCHEMA}.{LEDGER_TABLE} (erased_at);
CREATE INDEX IF NOT EXISTS entry_person_idx ON {LEDGER_SCHEMA}.{LEDGER_TABLE} (person_id);
CREATE OR REPLACE FUNCTION {LEDGER_SCHEMA}.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the erasure ledger is append-only (R-DEL-2)' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON {LEDGER_SCHEMA}.{LEDGER_TABLE}
  FOR EACH ROW EXECUTE FUNCTION {LEDGER_SCHEMA}.append_only();

-- Every other deletion or blanking (R-DEL-2): the kind of record (its model label), its
-- id, what was done, and replay details made of ids, offsets and keyed hashes only.
CREATE TABLE IF NOT EXISTS {LEDGER_SCHEMA}.{RECORD_TABLE} (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    kind varchar(60) NOT NULL,
    object_id uuid NOT NULL,
    action varchar(8) NOT NULL,
    reason varchar(32) NOT NULL DEFAULT '',
    actor_id bigint NULL,
    detail jsonb NOT NULL DEFAULT '{{}}'::jsonb
);
-- The replay: WHERE kind = ? ORDER BY id.
CREATE INDEX IF NOT EXISTS record_kind_idx ON {LEDGER_SCHEMA}.{RECORD_TABLE} (kind, id);
CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON {LEDGER_SCHEMA}.{RECORD_TABLE}
  FOR EACH ROW EXECUTE FUNCTION {LEDGER_SCHEMA}.append_only();

-- The suppression list (R-IMP-5, R-DSR-4) lives here too, so that a restore cannot lose
-- an entry written after the backup (`apps.privacy.models.SuppressionEntry`).
CREATE TABLE IF NOT EXISTS {LEDGER_SCHEMA}.{SUPPRESSION_TABLE} (
    id bigserial PRIMARY KEY,
    email_hash varchar(64) NOT NULL DEFAULT '',
    phone_hash varchar(64) NOT NULL DEFAULT '',
    name_company_hash varchar(64) NOT NULL DEFAULT '',
    reason varchar(32) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT suppression_has_a_hash CHECK (email_hash <> '' OR phone_hash <> '' OR name_company_hash <> '')
);
-- Import and "add person": WHERE email_hash = ? / phone_hash = ? / name_company_hash = ? (R-IMP-5)
CREATE INDEX IF NOT EXISTS suppression_email_idx ON {LEDGER_SCHEMA}.{SUPPRESSION_TABLE} (email_hash)
  WHERE email_hash <> '';
CREATE INDEX IF NOT EXISTS suppression_phone_idx ON {LEDGER_SCHEMA}.{SUPPRESSION_TABLE} (phone_hash)
  WHERE phone_hash <> '';
CREATE INDEX IF NOT EXISTS suppression_name_idx ON {LEDGER_SCHEMA}.{SUPPRESSION_TABLE} (name_company_hash)
  WHERE name_company_hash <> '';
-- The registers page: counts per month.
CREATE INDEX IF NOT EXISTS suppression_created_idx ON {LEDGER_SCHEMA}.{SUPPRESSION_TABLE} (created_at);
CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON {LEDGER_SCHEMA}.{SUPPRESSION_TABLE}
  FOR EACH ROW EXECUTE FUNCTION {LEDGER_SCHEMA}.append_only();
"""


class ErasureLedgerEntry(models.Model):
    """A person deleted for a privacy reason (purge, left company, erasure, consent
    withdrawn): R-DSR-4, item 5 of issue 5. No personal data: the record's id and keyed
    hashes (HMAC, `apps.privacy.hashing`) of the normalised identifiers.

    Where it lives, and why: in the PostgreSQL schema `erasure_ledger` of the same
    database, which `manage.py backup` excludes from its dump, so `restore` (pg_restore of
    that dump) never overwrites or rolls it back; `restore` then replays it (R-DEL-2).
    Same database rather than an append-only file: the entry is written in the very
    transaction that deletes the person, so there is never a deletion without its entry
    or an entry without its deletion. Append-only by a trigger. Unmanaged: created by
    LEDGER_DDL (migration 0001 and `restore`), and Django's test flush leaves it alone.
    """

    erased_at = models.DateTimeField(_("erased at"))
    reason = models.CharField(_("reason"), max_length=32)
    person_id = models.UUIDField(_("record id"))
    email_hash = models.CharField(_("email hash"), max_length=64, blank=True)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True)
    name_company_hash = models.CharField(_("name and company hash"), max_length=64, blank=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)

    class Meta:
        managed = False
        db_table = f'{LEDGER_SCHEMA}"."{LEDGER_TABLE}'
        verbose_name = _("erasure ledger entry")
        verbose_name_plural = _("erasure ledger")

    def __str__(self) -> str:
        return f"{_('Erasure ledger entry')} {self.pk}"


class LedgerAction(models.TextChoices):
    DELETE = "delete", _("Deleted")
    BLANK = "blank", _("Personal details blanked")
    REDACT = "redact", _("Name redacted in the text")
    # A person's processing restricted on request, and the restriction lifted (R-DSR-5):
    # replayed after a restore so that a restriction neither disappears nor comes back.
    RESTRICT = "restrict", _("Processing restricted")
    LIFT = "lift", _("Restriction lifted")


class LedgerRecord(models.Model):
    """Any other deletion or blanking of personal data (R-DEL-2): a client's record or
    assignment, a client, a client contact, an HR file, a data-subject request, a call
    note's redaction. Written by the one service that does it, in its transaction
    (`apps.retention.ledger.ledger_write`), replayed after `restore`
    (`apps.retention.ledger.ledger_replay`). Ids, offsets and keyed hashes only, never a
    personal value. Lives beside ErasureLedgerEntry (same schema, same reasons)."""

    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind of record"), max_length=60)
    object_id = models.UUIDField(_("record id"))
    action = models.CharField(_("action"), max_length=8, choices=LedgerAction.choices)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        managed = False
        db_table = f'{LEDGER_SCHEMA}"."{RECORD_TABLE}'
        verbose_name = _("erasure ledger record")
        verbose_name_plural = _("erasure ledger records")

    def __str__(self) -> str:
        return f"{_('Erasure ledger record')} {self.pk}"
