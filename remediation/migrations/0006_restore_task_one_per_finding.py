# On PostgreSQL, 0002's AlterField (finding: db_index=False) dropped every
# index on finding_id, the partial unique index of the task_one_per_finding
# constraint included, while the model state kept the constraint. Put the
# index back where it is missing (SQLite rebuilt its table and kept it): it
# is what the constraint promises, and the join from a finding to its task
# (every dashboard filter on inspection, area or criterion) needs it.

from django.db import migrations

SQL = (
    "CREATE UNIQUE INDEX IF NOT EXISTS task_one_per_finding "
    "ON remediation_remediationtask (finding_id) WHERE finding_id IS NOT NULL"
)


class Migration(migrations.Migration):

    dependencies = [
        ("remediation", "0005_dashboard_exports"),
    ]

    operations = [migrations.RunSQL(SQL, reverse_sql=migrations.RunSQL.noop)]
