from django.db import migrations

from remediation import search


def install(apps, schema_editor):
    # The same keys, sooner (``search._KEPT``): no stored key changes.
    search.install_function(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0023_dashboard_indexes_with_id"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
