"""Every class scheduled before e-learning existed gets its learning space, with its
facilitators and its approved participants (the same as services.class_space_sync)."""

from django.db import migrations

ATTENDING = ("approved", "attended", "completed", "not_completed")


def open_spaces(apps, schema_editor):
    Course = apps.get_model("elearning", "Course")
    LearningSpace = apps.get_model("elearning", "LearningSpace")
    Enrolment = apps.get_model("elearning", "Enrolment")
    TrainingClass = apps.get_model("trainings", "TrainingClass")
    for training_class in TrainingClass.objects.filter(learning_space__isnull=True).select_related("programme"):
        programme = training_class.programme
        if programme.course_id is None:
            programme.course, _ = Course.objects.get_or_create(
                code=programme.code, defaults={"title": programme.name}
            )
            programme.save(update_fields=["course"])
        space = LearningSpace.objects.create(
            course_id=programme.course_id,
            title=f"{programme.name} – {training_class.name}",
            starts_on=training_class.start_date,
            ends_on=training_class.end_date,
        )
        facilitators = set(training_class.facilitators.values_list("pk", flat=True))
        facilitators |= set(
            training_class.days.exclude(facilitator=None).values_list("facilitator_id", flat=True)
        )
        space.facilitators.set(facilitators)
        training_class.learning_space = space
        training_class.save(update_fields=["learning_space"])
        for employee_id in training_class.nominations.filter(status__in=ATTENDING).values_list(
            "employee_id", flat=True
        ):
            Enrolment.objects.get_or_create(space=space, employee_id=employee_id)


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0008_programme_course_trainingclass_learning_space"),
        ("elearning", "0001_initial"),
    ]

    operations = [migrations.RunPython(open_spaces, migrations.RunPython.noop)]
