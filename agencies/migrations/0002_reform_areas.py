"""The eight PAR Index areas every deployment needs (names of the 2019 index)."""

from django.db import migrations

AREAS = [
    ("LV1", "Công tác chỉ đạo, điều hành cải cách hành chính"),
    ("LV2", "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật"),
    ("LV3", "Cải cách thủ tục hành chính"),
    ("LV4", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    ("LV5", "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức"),
    ("LV6", "Cải cách tài chính công"),
    ("LV7", "Hiện đại hóa hành chính"),
    ("LV8", "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội"),
]


def create_areas(apps, schema_editor):
    ReformArea = apps.get_model("agencies", "ReformArea")
    for order, (code, name) in enumerate(AREAS, start=1):
        ReformArea.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def delete_areas(apps, schema_editor):
    apps.get_model("agencies", "ReformArea").objects.filter(
        code__in=[code for code, _ in AREAS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(create_areas, delete_areas)]
