"""Opening learning spaces and admitting learners. trainings calls these: it knows who was
approved; this app only keeps who may enter."""

import datetime

from django.db import transaction

from employees.models import Employee

from ..models import Course, Enrolment, LearningSpace


def course_get_or_create(*, code: str, title: str) -> Course:
    course, created = Course.objects.get_or_create(code=code, defaults={"title": title})
    if not created and course.title != title:
        course.title = title
        course.save(update_fields=["title"])
    return course


@transaction.atomic
def space_save(
    *,
    space: LearningSpace | None = None,
    course: Course,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    facilitators=(),
) -> LearningSpace:
    """Create a space, or bring an existing one in line with its class (idempotent)."""
    if space is None:
        space = LearningSpace(course=course)
    space.course, space.title, space.starts_on, space.ends_on = course, title, starts_on, ends_on
    space.full_clean()
    space.save()
    space.facilitators.set(facilitators)
    return space


def enrolment_grant(*, space: LearningSpace, employee: Employee) -> Enrolment:
    enrolment, created = Enrolment.objects.get_or_create(space=space, employee=employee)
    if not created and not enrolment.is_active:
        enrolment.is_active = True
        enrolment.save(update_fields=["is_active"])
    return enrolment


def enrolment_revoke(*, space: LearningSpace, employee: Employee) -> None:
    """Keeps the row (and any attempt or submission) but closes the door."""
    Enrolment.objects.filter(space=space, employee=employee).update(is_active=False)
