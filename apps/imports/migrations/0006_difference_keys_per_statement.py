"""Issue 16 #1: a difference's assignment, import job and company checked once per statement.

An import writes its differences in one statement, ~200,000 rows at 100,000 rows of file,
all naming one assignment, one job and ~50,000 companies. As foreign keys, each row ran its
own check of each (a lookup and a lock a key: 5.5 s of the statement's 8.5 s, measured
with EXPLAIN ANALYZE on the benchmark's database). These triggers do what those foreign
keys did, once per statement over all its rows (0.7 s):

- inserting or re-pointing differences locks the assignments, jobs and companies they name
  (FOR KEY SHARE, as a foreign key's check does, so that none can be deleted before this
  commits) and fails with a foreign-key violation (23503, an IntegrityError) if one does
  not exist;
- deleting an assignment or a company deletes its differences (ON DELETE CASCADE);
- deleting an import job leaves its differences without it (ON DELETE SET NULL).

The ORM still does the last two itself before the DELETE (Django's on_delete); the triggers
hold the rule for every other way a row is deleted. The person stays a foreign key: the
person deletion (erasure, the purge) plans its statements from those and checks them
against the database's own (`apps.prospects.services.person_delete_plan`).
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION imports_difference_keys_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    assignments uuid[];
    jobs uuid[];
BEGIN
    -- One pass over the statement's rows: the few keys they name (an import's ~200,000
    -- rows name one of each).
    SELECT array_agg(DISTINCT k.assignment_id), array_agg(DISTINCT k.import_job_id)
               FILTER (WHERE k.import_job_id IS NOT NULL)
        INTO assignments, jobs
        FROM (SELECT assignment_id, import_job_id FROM named GROUP BY 1, 2) k;
    IF (SELECT count(*) FROM (SELECT 1 FROM assignments_assignment a WHERE a.id = ANY(assignments)
                              FOR KEY SHARE OF a) locked) <> coalesce(cardinality(assignments), 0) THEN
        RAISE EXCEPTION 'insert or update on table "imports_difference" violates its assignment key'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF (SELECT count(*) FROM (SELECT 1 FROM imports_importjob j WHERE j.id = ANY(jobs)
                              FOR KEY SHARE OF j) locked) <> coalesce(cardinality(jobs), 0) THEN
        RAISE EXCEPTION 'insert or update on table "imports_difference" violates its import job key'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- The companies (an import's ~50,000), locked and counted by a join, not a probe a row.
    IF (SELECT count(*) FROM (SELECT 1 FROM prospects_company c WHERE c.id IN (SELECT company_id FROM named)
                              FOR KEY SHARE OF c) locked)
       <> (SELECT count(DISTINCT company_id) FROM named) THEN
        RAISE EXCEPTION 'insert or update on table "imports_difference" violates its company key'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER difference_keys_inserted AFTER INSERT ON imports_difference
    REFERENCING NEW TABLE AS named FOR EACH STATEMENT EXECUTE FUNCTION imports_difference_keys_check();
CREATE TRIGGER difference_keys_updated AFTER UPDATE ON imports_difference
    REFERENCING NEW TABLE AS named FOR EACH STATEMENT EXECUTE FUNCTION imports_difference_keys_check();

CREATE FUNCTION imports_difference_assignment_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM imports_difference WHERE assignment_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;

CREATE TRIGGER difference_assignment_deleted AFTER DELETE ON assignments_assignment
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION imports_difference_assignment_deleted();

CREATE FUNCTION imports_difference_company_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM imports_difference WHERE company_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;

CREATE TRIGGER difference_company_deleted AFTER DELETE ON prospects_company
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION imports_difference_company_deleted();

CREATE FUNCTION imports_difference_job_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE imports_difference SET import_job_id = NULL WHERE import_job_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;

CREATE TRIGGER difference_job_deleted AFTER DELETE ON imports_importjob
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION imports_difference_job_deleted();
"""

BACKWARD = """
DROP TRIGGER difference_job_deleted ON imports_importjob;
DROP FUNCTION imports_difference_job_deleted();
DROP TRIGGER difference_company_deleted ON prospects_company;
DROP FUNCTION imports_difference_company_deleted();
DROP TRIGGER difference_assignment_deleted ON assignments_assignment;
DROP FUNCTION imports_difference_assignment_deleted();
DROP TRIGGER difference_keys_updated ON imports_difference;
DROP TRIGGER difference_keys_inserted ON imports_difference;
DROP FUNCTION imports_difference_keys_check();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0008_agreement_accepted_by_named"),
        ("imports", "0005_difference_one_index_per_key"),
        ("prospects", "0010_company_fillfactor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="difference",
            name="assignment",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="assignments.assignment",
            ),
        ),
        migrations.AlterField(
            model_name="difference",
            name="import_job",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="differences",
                to="imports.importjob",
            ),
        ),
        migrations.AlterField(
            model_name="difference",
            name="company",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="differences",
                to="prospects.company",
            ),
        ),
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
