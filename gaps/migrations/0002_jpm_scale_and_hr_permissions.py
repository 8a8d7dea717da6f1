"""The common JPM scale (domain.md; agencies edit it in the admin) and HR's permissions here."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

SCALE = [("Optimal", Decimal("90"), "success"), ("Cukup Optimal", Decimal("78"), "warning"),
         ("Kurang Optimal", Decimal("0"), "danger")]
HR_GROUP = "Kepegawaian"


def load(apps, schema_editor):
    JpmCategory = apps.get_model("gaps", "JpmCategory")
    for name, minimum, color in SCALE:
        JpmCategory.objects.update_or_create(name=name, defaults={"min_percent": minimum, "color": color})
    app_config = apps.get_app_config("gaps")
    app_config.models_module = True  # the migration state's stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name=HR_GROUP)
    hr.permissions.add(*Permission.objects.filter(content_type__app_label="gaps"))


class Migration(migrations.Migration):
    dependencies = [("gaps", "0001_initial"), ("employees", "0002_role_groups")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
