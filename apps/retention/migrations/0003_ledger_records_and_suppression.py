"""The erasure ledger records every kind of deletion and blanking, and holds the
suppression list (R-DEL-2): both in the schema `erasure_ledger`, outside the backups."""

from django.db import migrations, models

from apps.retention.models import LEDGER_DDL


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_notice_persons_erased")]

    operations = [
        # Idempotent: adds the record and suppression tables to an existing ledger schema.
        migrations.RunSQL(LEDGER_DDL, migrations.RunSQL.noop),
        migrations.CreateModel(
            name="LedgerRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(verbose_name="at")),
                ("kind", models.CharField(max_length=60, verbose_name="kind of record")),
                ("object_id", models.UUIDField(verbose_name="record id")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("delete", "Deleted"),
                            ("blank", "Personal details blanked"),
                            ("redact", "Name redacted in the text"),
                        ],
                        max_length=8,
                        verbose_name="action",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=32, verbose_name="reason")),
                ("actor_id", models.BigIntegerField(blank=True, null=True, verbose_name="user id")),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="detail")),
            ],
            options={
                "verbose_name": "erasure ledger record",
                "verbose_name_plural": "erasure ledger records",
                "db_table": 'erasure_ledger"."record',
                "managed": False,
            },
        ),
    ]
