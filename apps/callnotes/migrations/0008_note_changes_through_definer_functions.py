"""R-NOTE-3 and R-SEC-3 (issue 15 #11): the two exceptions to the notes' immutability no
longer open on a setting any session can set (`SET LOCAL leadhunter.deleting_assignment`,
`leadhunter.redacting_note`). Each is a SECURITY DEFINER function owned by the owner role
(the role running this migration), with its search_path pinned and EXECUTE revoked from
PUBLIC (`apps.core.dbroles.grant_runtime` grants it to the runtime role only):

- `callnotes_delete_for_assignment(assignment)` deletes the notes of an assignment whose
  deletion the erasure ledger holds (append-only; `assignment_delete` writes it first), and
  their redaction rows; it returns how many notes went.
- `callnote_redact_text(note, text)` sets a note's text when a NoteRedaction row for the note
  was written in this very transaction and the new text holds the redaction marker.

The trigger lets a DELETE or a text change through only inside those functions: the setting
they set for their own statement *and* a current user holding the table owner's rights,
which the runtime role gets only while a function of the owner runs for it.
"""

import importlib

from django.db import migrations

OWNER_CHECK = "pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE')"

TRIGGER = rf"""
CREATE OR REPLACE FUNCTION callnote_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.prospect_id IS NULL
       AND (NEW.id, NEW.assignment_id, NEW.company_id, NEW.agent_id, NEW.result_id, NEW.text, NEW.created_at,
            NEW.handle_seconds)
         IS NOT DISTINCT FROM
           (OLD.id, OLD.assignment_id, OLD.company_id, OLD.agent_id, OLD.result_id, OLD.text, OLD.created_at,
            OLD.handle_seconds) THEN
      RETURN NEW;
    END IF;
    IF current_setting('leadhunter.redacting_note', true) = OLD.id::text
       AND {OWNER_CHECK}
       AND NEW.text IS DISTINCT FROM OLD.text
       AND position('[[redacted]]' in NEW.text) > 0
       AND (NEW.id, NEW.assignment_id, NEW.company_id, NEW.agent_id, NEW.result_id, NEW.created_at, NEW.prospect_id,
            NEW.handle_seconds)
         IS NOT DISTINCT FROM
           (OLD.id, OLD.assignment_id, OLD.company_id, OLD.agent_id, OLD.result_id, OLD.created_at, OLD.prospect_id,
            OLD.handle_seconds)
       AND EXISTS (SELECT 1 FROM public.callnotes_noteredaction r
                    WHERE r.note_id = OLD.id AND r.redacted_at = now()) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'call notes cannot be changed (R-NOTE-3)' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF current_setting('leadhunter.deleting_assignment', true) = OLD.assignment_id::text AND {OWNER_CHECK} THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'call notes are deleted only with their assignment (R-NOTE-3)'
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE OR REPLACE FUNCTION callnotes_delete_for_assignment(p_assignment uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  deleted integer;
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM erasure_ledger.record r
     WHERE r.kind = 'assignments.assignment' AND r.object_id = p_assignment AND r.action = 'delete'
  ) THEN
    RAISE EXCEPTION 'call notes are deleted only with their assignment, after its ledger record (R-NOTE-3)'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('leadhunter.deleting_assignment', p_assignment::text, true);
  DELETE FROM public.callnotes_noteredaction r
   USING public.callnotes_callnote n WHERE r.note_id = n.id AND n.assignment_id = p_assignment;
  DELETE FROM public.callnotes_callnote n WHERE n.assignment_id = p_assignment;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('leadhunter.deleting_assignment', '', true);
  RETURN deleted;
END $$;
REVOKE EXECUTE ON FUNCTION callnotes_delete_for_assignment(uuid) FROM PUBLIC;

CREATE OR REPLACE FUNCTION callnote_redact_text(p_note uuid, p_text text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM public.callnotes_noteredaction r WHERE r.note_id = p_note AND r.redacted_at = now()
  ) OR position('[[redacted]]' in p_text) = 0 THEN
    RAISE EXCEPTION 'a call note is redacted only with its redaction row, in one transaction (R-NOTE-3)'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('leadhunter.redacting_note', p_note::text, true);
  UPDATE public.callnotes_callnote SET text = p_text WHERE id = p_note;
  PERFORM set_config('leadhunter.redacting_note', '', true);
END $$;
REVOKE EXECUTE ON FUNCTION callnote_redact_text(uuid, text) FROM PUBLIC;
"""  # noqa: S608 (constant SQL)

# Backwards: the functions go and the trigger of 0007 (setting-based, with the handle time) returns.
BACKWARD = (
    """
DROP FUNCTION IF EXISTS callnote_redact_text(uuid, text);
DROP FUNCTION IF EXISTS callnotes_delete_for_assignment(uuid);
"""
    + importlib.import_module("apps.callnotes.migrations.0007_note_handle_time").FORWARD
)


class Migration(migrations.Migration):
    dependencies = [
        ("callnotes", "0007_note_handle_time"),
        ("retention", "0003_ledger_records_and_suppression"),
    ]

    operations = [migrations.RunSQL(TRIGGER, BACKWARD)]
