"""The suppression list moves into the erasure ledger's schema, outside the backups, so
that a restore cannot lose entries written after the backup (R-DEL-2). Existing rows are
copied with their ids; the old table goes."""

from django.db import migrations

FORWARD = """
INSERT INTO erasure_ledger.suppression (id, email_hash, phone_hash, name_company_hash, reason, created_at)
  SELECT id, email_hash, phone_hash, name_company_hash, reason, created_at FROM privacy_suppressionentry
  ON CONFLICT (id) DO NOTHING;
SELECT setval(pg_get_serial_sequence('erasure_ledger.suppression', 'id'),
              GREATEST((SELECT max(id) FROM erasure_ledger.suppression), 1));
DROP TABLE privacy_suppressionentry;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_consent_record"),
        ("retention", "0003_ledger_records_and_suppression"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD)],
            state_operations=[
                migrations.RemoveIndex(model_name="suppressionentry", name="suppression_email_idx"),
                migrations.RemoveIndex(model_name="suppressionentry", name="suppression_phone_idx"),
                migrations.RemoveIndex(model_name="suppressionentry", name="suppression_name_idx"),
                migrations.RemoveConstraint(model_name="suppressionentry", name="suppression_has_a_hash"),
                migrations.AlterModelOptions(
                    name="suppressionentry",
                    options={
                        "managed": False,
                        "verbose_name": "suppression entry",
                        "verbose_name_plural": "suppression list",
                    },
                ),
                migrations.AlterModelTable(name="suppressionentry", table='erasure_ledger"."suppression'),
            ],
        ),
    ]
