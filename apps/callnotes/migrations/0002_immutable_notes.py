"""R-NOTE-3 in the database: a saved call note cannot be changed or deleted.

The only UPDATE allowed detaches a note from a prospect the client deleted (prospect_id
to NULL, nothing else). The only DELETE allowed is that of the assignment's own
service, which announces itself with `SET LOCAL leadhunter.deleting_assignment`.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION callnote_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.prospect_id IS NULL
       AND (NEW.id, NEW.assignment_id, NEW.company_id, NEW.agent_id, NEW.result_id, NEW.text, NEW.created_at)
         IS NOT DISTINCT FROM
           (OLD.id, OLD.assignment_id, OLD.company_id, OLD.agent_id, OLD.result_id, OLD.text, OLD.created_at) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'call notes cannot be changed (R-NOTE-3)' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF current_setting('leadhunter.deleting_assignment', true) = OLD.assignment_id::text THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'call notes are deleted only with their assignment (R-NOTE-3)'
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER callnote_immutable BEFORE UPDATE OR DELETE ON callnotes_callnote
  FOR EACH ROW EXECUTE FUNCTION callnote_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS callnote_immutable ON callnotes_callnote;
DROP FUNCTION IF EXISTS callnote_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("callnotes", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
