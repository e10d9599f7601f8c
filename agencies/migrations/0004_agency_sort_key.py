from django.db import migrations, models

from agencies.models import vietnamese_sort_key


def fill_sort_keys(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    agencies = list(Agency.objects.only("pk", "name"))
    for agency in agencies:
        agency.sort_key = vietnamese_sort_key(agency.name)
    Agency.objects.bulk_update(agencies, ["sort_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_agency_official_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=520),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="agency",
            index=models.Index(
                fields=["id"], include=["kind", "parent", "sort_key"], name="agency_order_keys"
            ),
        ),
    ]
