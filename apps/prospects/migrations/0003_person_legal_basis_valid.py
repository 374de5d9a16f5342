"""Only the six GDPR bases in `prospects_person.legal_basis` (issue 11 #8).

Before the constraint, any value that is not one of the six (the API stored whatever it was
sent, e.g. "bogus-basis") is set to the contact persons' default (SPEC §2: legitimate interest
– direct marketing, recital 47): such a value never was a legal basis, and never *consent*,
whose proof this change introduces. Plain SQL, so the auditlog does not record the mapping; the
count is not kept either (no personal data is involved, only the field).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0002_verified_id_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql="""UPDATE prospects_person SET legal_basis = 'legitimate_interest'
                   WHERE legal_basis NOT IN ('consent', 'contract', 'legal_obligation', 'vital_interests',
                                             'public_task', 'legitimate_interest')""",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "legal_basis__in",
                        [
                            "consent",
                            "contract",
                            "legal_obligation",
                            "vital_interests",
                            "public_task",
                            "legitimate_interest",
                        ],
                    )
                ),
                name="person_legal_basis_valid",
                violation_error_message="Choose one of the six legal bases.",
            ),
        ),
    ]
