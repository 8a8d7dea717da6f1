"""The HR and facilitator groups. HR gets every registry permission and may see the whole
agency (view_all_employees); later apps add their import and planning permissions to it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_GROUP = "Kepegawaian"
FACILITATOR_GROUP = "Fasilitator"


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now.
    app_config = apps.get_app_config("employees")
    app_config.models_module = True  # the migration state's stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name=HR_GROUP)
    Group.objects.get_or_create(name=FACILITATOR_GROUP)
    hr.permissions.add(*Permission.objects.filter(content_type__app_label="employees"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[HR_GROUP, FACILITATOR_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
