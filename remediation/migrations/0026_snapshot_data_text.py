from django.db import migrations, models


class Migration(migrations.Migration):
    # The snapshot's figures as JSON text, written and read with orjson: as
    # jsonb, PostgreSQL parsed 4.5 MB at each refresh and printed them again
    # at each read. The stored rows are kept (jsonb casts to text).
    dependencies = [
        ("remediation", "0025_oldest_dates_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dashboardsnapshot",
            name="data",
            field=models.TextField(verbose_name="số liệu"),
        ),
    ]
