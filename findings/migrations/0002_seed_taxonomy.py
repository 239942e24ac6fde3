from django.db import migrations

from findings.taxonomy import TAXONOMY


def seed(apps, schema_editor):
    Category = apps.get_model("findings", "ProblemCategory")
    for top_order, (code, name, children) in enumerate(TAXONOMY, start=1):
        top, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": top_order})
        for order, (child_code, child_name) in enumerate(children, start=1):
            Category.objects.get_or_create(
                code=child_code, defaults={"name": child_name, "parent": top, "sort_order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
