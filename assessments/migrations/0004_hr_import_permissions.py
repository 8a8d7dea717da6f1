"""HR gets the new import permission and the permissions on institutions and results."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_GROUP = "Kepegawaian"


def grant(apps, schema_editor):
    for label in ("employees", "assessments"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # the migration state's stub lacks it; create_permissions checks it
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name=HR_GROUP)
    hr.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["employees", "assessments"])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_results_and_institutions"),
        ("employees", "0003_importrun"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
