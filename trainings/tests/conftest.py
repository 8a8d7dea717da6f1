"""Builders for the diklat planning tests: the seeded Perekat Bangsa programme (3 days × 8 JP),
classes scheduled through the service, training needs in the pool, nominations."""

import datetime

import pytest

from assessments.models import PEREKAT_BANGSA, Competency
from gaps.models import TrainingNeed
from trainings import services
from trainings.models import Programme

MONDAY = datetime.date(2027, 3, 1)  # a week with no holiday unless a test enters one
FRIDAY = datetime.date(2027, 3, 5)
SATURDAY = datetime.date(2027, 3, 6)
NEXT_MONDAY = datetime.date(2027, 3, 8)


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.get(code="sosio-kultural-perekat-bangsa")


@pytest.fixture
def make_class(programme, agency):
    """make_class(start=MONDAY, capacity=30, urls=[...]) -> a TrainingClass made by HR."""
    counter = iter(range(1, 1000))

    def create(start=MONDAY, capacity=30, name=None, urls=None):
        return services.training_class_create(
            programme=programme,
            name=name or f"Angkatan {next(counter)}",
            start_date=start,
            capacity=capacity,
            forum_start=datetime.time(9, 0),
            forum_end=datetime.time(11, 0),
            meeting_urls=urls,
            user=agency.hr.user,
        )

    return create


@pytest.fixture
def need(db):
    """need(employee, gap=2, year=2026) -> an identified Perekat Bangsa training need."""
    competency = Competency.objects.get(code=PEREKAT_BANGSA)

    def create(employee, gap=2, year=2026):
        return TrainingNeed.objects.create(employee=employee, competency=competency, year=year, gap=gap)

    return create


@pytest.fixture
def nominate(agency):
    """nominate(training_class, *employees) -> the new nominations (HR nominates)."""

    def create(training_class, *employees, user=None):
        created, _warnings = services.nominations_add(
            training_class=training_class, employees=list(employees), user=user or agency.hr.user
        )
        return created

    return create
