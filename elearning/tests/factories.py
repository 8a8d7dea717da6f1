import datetime

import factory

from assessments.models import PEREKAT_BANGSA, Competency
from elearning.models import Course, Enrolment, LearningSpace, Option, Question


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kursus-{n}")
    title = factory.Sequence(lambda n: f"Kursus {n}")


class LearningSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSpace

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Ruang belajar {n}")
    starts_on = datetime.date(2027, 3, 1)
    ends_on = datetime.date(2027, 3, 3)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    space = factory.SubFactory(LearningSpaceFactory)


def perekat_bangsa():
    return Competency.objects.get(code=PEREKAT_BANGSA)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with `n_options` options (default 4), the first one correct."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    competency = factory.LazyFunction(perekat_bangsa)
    code = factory.Sequence(lambda n: f"PB-{n:04d}")
    text = factory.Sequence(lambda n: f"Pertanyaan nomor {n}?")
    level = factory.Sequence(lambda n: n % 5 + 1)

    @factory.post_generation
    def n_options(question, create, extracted, **kwargs):
        if not create:
            return
        for position in range(1, (extracted or 4) + 1):
            Option.objects.create(
                question=question, position=position, text=f"Pilihan {position}", is_correct=position == 1
            )
