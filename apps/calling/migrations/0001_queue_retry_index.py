"""The queue's index for retries (R-NTK-2), kept in this app so that apps.prospects'
migrations stay as they are while other features change them in parallel."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("prospects", "0001_initial")]

    operations = [
        migrations.RunSQL(
            # prospect_lease_next, retries: WHERE assignment_id = ? AND status = 'in_progress'
            # ORDER BY last_called_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
            "CREATE INDEX IF NOT EXISTS calling_prospect_retry_idx ON prospects_prospect "
            "(assignment_id, last_called_at, id) WHERE status = 'in_progress'",
            "DROP INDEX IF EXISTS calling_prospect_retry_idx",
        ),
    ]
