"""Downloads are for the client's users only (policy §3, SPEC §5): the guardian permission
"download_assignment" that supervisors held goes, with every row granting it."""

from django.db import migrations


def remove_download_permission(apps, schema_editor):  # type: ignore[no-untyped-def]
    Permission = apps.get_model("auth", "Permission")
    AssignmentUserObjectPermission = apps.get_model("assignments", "AssignmentUserObjectPermission")
    stale = Permission.objects.filter(content_type__app_label="assignments", codename="download_assignment")
    AssignmentUserObjectPermission.objects.filter(permission__in=stale).delete()
    stale.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0002_results_fixed_once_used"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="assignment",
            options={
                "ordering": ["client__name", "name"],
                "permissions": [
                    ("work_assignment", "Can call the prospects of the assignment"),
                    ("supervise_assignment", "Can see the whole database, notes and results"),
                ],
                "verbose_name": "assignment",
                "verbose_name_plural": "assignments",
            },
        ),
        migrations.RunPython(remove_download_permission, migrations.RunPython.noop),
    ]
