"""A call note belongs to its prospect's assignment and company, and its result is one of
that assignment's results (R-NOTE-2, R-NTK-1): checked by the database at insert, so
that no code path can file a note, or a result, under another client's assignment.
(At insert only: notes are immutable afterwards, R-NOTE-3.)

Also the lease: a prospect is leased within its own assignment (R-NTK-2, R-NTK-3: the
lease's assignment decides whether it is active).
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION callnote_within_its_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.prospect_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM prospects_prospect p
       WHERE p.id = NEW.prospect_id AND p.assignment_id = NEW.assignment_id AND p.company_id = NEW.company_id) THEN
    RAISE EXCEPTION 'a call note belongs to its prospect''s assignment and company (R-NOTE-2)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NOT EXISTS (
       SELECT 1 FROM assignments_callresult r WHERE r.id = NEW.result_id AND r.assignment_id = NEW.assignment_id) THEN
    RAISE EXCEPTION 'a call note''s result is one of its assignment''s results (R-NOTE-2)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER callnote_within_its_assignment BEFORE INSERT ON callnotes_callnote
  FOR EACH ROW EXECUTE FUNCTION callnote_within_its_assignment();

CREATE FUNCTION lease_within_its_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
       SELECT 1 FROM prospects_prospect p WHERE p.id = NEW.prospect_id AND p.assignment_id = NEW.assignment_id) THEN
    RAISE EXCEPTION 'a prospect is leased within its own assignment (R-NTK-2)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER lease_within_its_assignment BEFORE INSERT OR UPDATE ON prospects_lease
  FOR EACH ROW EXECUTE FUNCTION lease_within_its_assignment();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS lease_within_its_assignment ON prospects_lease;
DROP FUNCTION IF EXISTS lease_within_its_assignment();
DROP TRIGGER IF EXISTS callnote_within_its_assignment ON callnotes_callnote;
DROP FUNCTION IF EXISTS callnote_within_its_assignment();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("callnotes", "0002_immutable_notes"),
        ("prospects", "0002_verified_id_indexes"),
        ("assignments", "0002_results_fixed_once_used"),
    ]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
