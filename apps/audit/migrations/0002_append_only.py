"""R-LOG-1 in the database: the access log is append-only.

The only change allowed clears the IP address of an old entry (R-RET-6); nothing is
ever deleted through SQL DELETE.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION accesslog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.ip_address IS NULL
     AND (NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.object_type, NEW.object_id, NEW.object_ids,
          NEW.object_count, NEW.assignment_id)
       IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor_id, OLD.action, OLD.object_type, OLD.object_id, OLD.object_ids,
          OLD.object_count, OLD.assignment_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the access log is append-only (R-LOG-1)' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER accesslog_append_only BEFORE UPDATE OR DELETE ON audit_accesslogentry
  FOR EACH ROW EXECUTE FUNCTION accesslog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS accesslog_append_only ON audit_accesslogentry;
DROP FUNCTION IF EXISTS accesslog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
