"""R-NOTE-3: a call result that a saved note refers to cannot change its meaning.

Notes keep only the result's id; changing the code, label or outcome of a used result
would silently rewrite the evidence of every call that recorded it. A new result can
always be added instead.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION callresult_fixed_once_used() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.code, NEW.label, NEW.outcome) IS DISTINCT FROM (OLD.code, OLD.label, OLD.outcome)
     AND EXISTS (SELECT 1 FROM callnotes_callnote WHERE result_id = OLD.id) THEN
    RAISE EXCEPTION 'a call result used by call notes cannot be changed (R-NOTE-3)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER callresult_fixed_once_used BEFORE UPDATE ON assignments_callresult
  FOR EACH ROW EXECUTE FUNCTION callresult_fixed_once_used();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS callresult_fixed_once_used ON assignments_callresult;
DROP FUNCTION IF EXISTS callresult_fixed_once_used();
"""


class Migration(migrations.Migration):
    dependencies = [("assignments", "0001_initial"), ("callnotes", "0002_immutable_notes")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
