"""Small builders for the gap tests: an accredited institution, results written straight into
the table (the import has its own tests), and the seeded competencies by code."""

import datetime

import pytest

from assessments.models import AssessmentResult, Competency, Institution, PositionStandard


@pytest.fixture
def institution(db) -> Institution:
    return Institution.objects.create(
        code="LAN", name="LAN", accreditation_number="AK-1", accredited_until=datetime.date(2030, 12, 31)
    )


@pytest.fixture
def competency(db):
    """competency("perekat_bangsa") -> the seeded Competency."""
    cache: dict[str, Competency] = {}

    def get(code: str) -> Competency:
        if code not in cache:
            cache[code] = Competency.objects.get(code=code)
        return cache[code]

    return get


@pytest.fixture
def assess(institution, competency):
    """assess(employee, 2026, perekat_bangsa=1, integritas=3): one result per competency given."""

    def create(employee, year: int, **levels: int) -> list[AssessmentResult]:
        return [
            AssessmentResult.objects.create(
                employee=employee,
                year=year,
                competency=competency(code),
                level=level,
                assessed_on=datetime.date(year, 3, 1),
                institution=institution,
            )
            for code, level in levels.items()
        ]

    return create


@pytest.fixture
def standard(competency):
    """standard(position, perekat_bangsa=3, from_year=0): the position's own standard rows,
    written directly (no signal, no recompute)."""

    def create(position, *, from_year: int = 0, **levels: int) -> None:
        for code, level in levels.items():
            PositionStandard.objects.create(
                position=position, competency=competency(code), from_year=from_year, level=level
            )

    return create
