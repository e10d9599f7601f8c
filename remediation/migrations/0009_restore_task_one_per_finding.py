"""Restore ``task_one_per_finding`` where migration 0002 lost it.

0002's AlterField of ``finding`` (db_index=False) dropped, on PostgreSQL, every
index on the column, the partial unique index included: nothing stopped two
tasks for one finding, and the dashboard's filters on the findings (an
inspection, a reform area) had no index from a finding to its task. SQLite
kept it. Dropping IF EXISTS and creating it again is the same on both.
"""

from django.db import migrations

SQL = [
    'DROP INDEX IF EXISTS "task_one_per_finding"',
    'CREATE UNIQUE INDEX "task_one_per_finding" ON "remediation_remediationtask" ("finding_id") '
    'WHERE "finding_id" IS NOT NULL',
]


class Migration(migrations.Migration):
    dependencies = [("remediation", "0008_extension_pending_db_default")]

    operations = [
        migrations.RunSQL(sql=SQL, reverse_sql=migrations.RunSQL.noop),
    ]
