from django.db import migrations

from remediation.dashboard import writes


def install(apps, schema_editor):
    # The snapshots kept were checked against the former table of writes.
    apps.get_model("remediation", "DashboardSnapshot").objects.all().delete()
    writes.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0021_as_of_index"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
