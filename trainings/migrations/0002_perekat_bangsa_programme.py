"""The programme the seed describes, and HR's planning permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_GROUP = "Kepegawaian"
SYLLABUS = [
    (1, "Intercultural awareness", "Pre-test; kemajemukan Indonesia dan peran ASN sebagai perekat bangsa; "
        "bedah film; forum harian bersama narasumber budaya."),
    (2, "Intercultural sensitivity", "Studi kasus kesalahpahaman antarbudaya di layanan publik; sharing budaya "
        "dalam kelompok; forum harian."),
    (3, "Adaptasi dan mediasi", "Presentasi tugas kelompok; memediasi konflik dan membangun toleransi di unit "
        "kerja; post-test; forum harian."),
]


def load(apps, schema_editor):
    Competency = apps.get_model("assessments", "Competency")
    Programme = apps.get_model("trainings", "Programme")
    ProgrammeDay = apps.get_model("trainings", "ProgrammeDay")
    programme, _ = Programme.objects.get_or_create(
        code="sosio-kultural-perekat-bangsa",
        defaults={
            "name": "Sosio Kultural – Perekat Bangsa",
            "competency": Competency.objects.get(code="perekat_bangsa"),
            "target_level": 3, "days": 3, "jp_per_day": 8,
            "description": "Diklat daring tiga hari untuk menumbuhkan kesadaran, kepekaan dan adaptasi "
                           "antarbudaya (intercultural competence) ASN.",
        },
    )
    for day, title, syllabus in SYLLABUS:
        ProgrammeDay.objects.get_or_create(programme=programme, day_number=day,
                                           defaults={"title": title, "syllabus": syllabus})
    app_config = apps.get_app_config("trainings")
    app_config.models_module = True  # the migration state's stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name=HR_GROUP)
    hr.permissions.add(*Permission.objects.filter(content_type__app_label="trainings"))


class Migration(migrations.Migration):
    dependencies = [("trainings", "0001_initial"), ("assessments", "0002_competency_dictionary"),
                    ("employees", "0002_role_groups")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
