"""A contact person record belongs to exactly one client (R-IMP-4, no database selling §2).

Before: one record per real person, shared by every client whose upload or call named
them; an upload could link a record another client supplied, and read its values. After:
one record per real person per client, and the database refuses a link between a person
and a prospect of another client's assignment.

The data step splits every record linked in the assignments of several clients:
- the client with the earliest link keeps the record; every other client gets a copy
  (same values, `verified_at`, `created_at`, source and legal basis), and its links are
  moved to the copy;
- differences to verify go with the copy of their assignment's client; a verification
  flag (the flag job's memory) is copied, so nobody is notified twice; a privacy officer's
  identity link (`RequestRecord`) is copied to every copy, so an open request's access
  report and erasure reach all of the requester's records;
- a record linked to no prospect at all (every path that removes a last link deletes the
  record, so only data made by hand can be in this state) is held for no client and may
  be disclosed to none: it is deleted through the single deletion path (`persons_delete`,
  reason "client delete": its last holder removed it; R-DEL-1 redactors and auditlog
  redaction run).

Reversing: the schema goes back (the column, index and triggers are dropped); the split
records stay split, which the old schema allows; deleted unlinked records do not come back.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

SPLIT = """
CREATE TEMP TABLE person_split ON COMMIT DROP AS
  SELECT pp.person_id, a.client_id, min(pp.created_at) AS first_link,
         row_number() OVER (PARTITION BY pp.person_id ORDER BY min(pp.created_at), a.client_id) AS n,
         NULL::uuid AS new_id
  FROM prospects_prospectperson pp
  JOIN prospects_prospect pr ON pr.id = pp.prospect_id
  JOIN assignments_assignment a ON a.id = pr.assignment_id
  GROUP BY pp.person_id, a.client_id;
UPDATE person_split SET new_id = CASE WHEN n = 1 THEN person_id ELSE gen_random_uuid() END;
UPDATE prospects_person p SET client_id = s.client_id FROM person_split s WHERE s.n = 1 AND s.person_id = p.id;
INSERT INTO prospects_person (id, client_id, company_id, first_name, last_name, job_title, email, phone,
                              legal_basis, source, verified_at, created_at)
  SELECT s.new_id, s.client_id, p.company_id, p.first_name, p.last_name, p.job_title, p.email, p.phone,
         p.legal_basis, p.source, p.verified_at, p.created_at
  FROM person_split s JOIN prospects_person p ON p.id = s.person_id WHERE s.n > 1;
UPDATE prospects_prospectperson pp SET person_id = s.new_id
  FROM prospects_prospect pr, assignments_assignment a, person_split s
  WHERE pr.id = pp.prospect_id AND a.id = pr.assignment_id
    AND s.person_id = pp.person_id AND s.client_id = a.client_id AND s.n > 1;
UPDATE imports_difference d SET person_id = s.new_id
  FROM assignments_assignment a, person_split s
  WHERE a.id = d.assignment_id AND s.person_id = d.person_id AND s.client_id = a.client_id AND s.n > 1;
INSERT INTO retention_verificationflag (person_id, company_id, verified_at, flagged_at)
  SELECT s.new_id, NULL, f.verified_at, f.flagged_at
  FROM person_split s JOIN retention_verificationflag f ON f.person_id = s.person_id WHERE s.n > 1;
INSERT INTO privacy_requestrecord (request_id, person_id, client_contact_id, linked_by_id, linked_at)
  SELECT r.request_id, s.new_id, NULL, r.linked_by_id, r.linked_at
  FROM person_split s JOIN privacy_requestrecord r ON r.person_id = s.person_id WHERE s.n > 1;
"""


def split_shared_persons(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SPLIT)
        cursor.execute("DROP TABLE person_split")
        cursor.execute("SELECT id FROM prospects_person WHERE client_id IS NULL")
        orphans = [row[0] for row in cursor.fetchall()]
    if orphans:
        # The current deletion path (ledger rules, redactors, auditlog redaction): a
        # historical model could not run the redactors other apps register.
        from apps.prospects.services import DeletionReason, persons_delete

        persons_delete(person_ids=orphans, reason=DeletionReason.CLIENT_DELETE)
    with schema_editor.connection.cursor() as cursor:
        # Django's foreign keys are deferred: check the new rows now, so that the ALTER
        # TABLE below finds no pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


TRIGGERS = r"""
CREATE FUNCTION prospectperson_within_its_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One statement-level check over all new links: the import inserts 100,000 at once.
  IF EXISTS (
       SELECT 1 FROM new_links l
       JOIN prospects_person pe ON pe.id = l.person_id
       JOIN prospects_prospect pr ON pr.id = l.prospect_id
       JOIN assignments_assignment a ON a.id = pr.assignment_id
       WHERE a.client_id <> pe.client_id) THEN
    RAISE EXCEPTION 'a person is linked only within its own client''s assignments (R-IMP-4)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER prospectperson_within_its_client_insert AFTER INSERT ON prospects_prospectperson
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION prospectperson_within_its_client();
CREATE TRIGGER prospectperson_within_its_client_update AFTER UPDATE ON prospects_prospectperson
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION prospectperson_within_its_client();

CREATE FUNCTION person_client_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a person record never moves to another client (R-IMP-4)'
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER person_client_is_fixed BEFORE UPDATE OF client_id ON prospects_person
  FOR EACH ROW WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION person_client_is_fixed();

CREATE FUNCTION prospect_links_stay_within_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
       SELECT 1 FROM prospects_prospectperson pp
       JOIN prospects_person pe ON pe.id = pp.person_id
       JOIN prospects_prospect pr ON pr.id = pp.prospect_id
       JOIN assignments_assignment a ON a.id = pr.assignment_id
       WHERE pe.client_id <> a.client_id
         AND (TG_TABLE_NAME = 'prospects_prospect' AND pr.id = NEW.id
              OR TG_TABLE_NAME = 'assignments_assignment' AND a.id = NEW.id)) THEN
    RAISE EXCEPTION 'a person is linked only within its own client''s assignments (R-IMP-4)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER prospect_links_stay_within_client AFTER UPDATE OF assignment_id ON prospects_prospect
  FOR EACH ROW WHEN (OLD.assignment_id IS DISTINCT FROM NEW.assignment_id)
  EXECUTE FUNCTION prospect_links_stay_within_client();
CREATE TRIGGER assignment_links_stay_within_client AFTER UPDATE OF client_id ON assignments_assignment
  FOR EACH ROW WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id)
  EXECUTE FUNCTION prospect_links_stay_within_client();
"""

TRIGGERS_BACKWARD = """
DROP TRIGGER IF EXISTS assignment_links_stay_within_client ON assignments_assignment;
DROP TRIGGER IF EXISTS prospect_links_stay_within_client ON prospects_prospect;
DROP FUNCTION IF EXISTS prospect_links_stay_within_client();
DROP TRIGGER IF EXISTS person_client_is_fixed ON prospects_person;
DROP FUNCTION IF EXISTS person_client_is_fixed();
DROP TRIGGER IF EXISTS prospectperson_within_its_client_update ON prospects_prospectperson;
DROP TRIGGER IF EXISTS prospectperson_within_its_client_insert ON prospects_prospectperson;
DROP FUNCTION IF EXISTS prospectperson_within_its_client();
"""


class Migration(migrations.Migration):
    # After every migration whose tables the deletion of unlinked records (current code:
    # `persons_delete` and its plan, checked against the database's foreign keys) touches.
    dependencies = [
        ("prospects", "0003_person_legal_basis_valid"),
        ("clients", "0003_client_contact_legal_basis_valid"),
        ("assignments", "0003_staff_download_permission_removed"),
        ("callnotes", "0004_note_redaction"),
        ("imports", "0001_initial"),
        ("retention", "0003_ledger_records_and_suppression"),
        ("privacy", "0005_suppression_in_ledger_schema"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="client",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="persons",
                to="clients.client",
                verbose_name="client",
            ),
        ),
        migrations.RunPython(split_shared_persons, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="person",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="persons",
                to="clients.client",
                verbose_name="client",
            ),
        ),
        migrations.RemoveIndex(model_name="person", name="person_email_idx"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["client", "email"], condition=~Q(email=""), name="person_client_email_idx"),
        ),
        migrations.RunSQL(TRIGGERS, TRIGGERS_BACKWARD),
    ]
