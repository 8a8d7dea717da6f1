"""Builders for the e-learning tests: a learning space with the agency's participant enrolled
and the facilitator assigned, another space with colleague_b, a Perekat Bangsa question bank,
and the space's pre- and post-test open "now"."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from elearning.models import Enrolment, LearningSpace, Quiz
from elearning.services import quizzes as quiz_services

from .factories import EnrolmentFactory, LearningSpaceFactory, QuestionFactory, perekat_bangsa


@dataclass
class Classroom:
    space: LearningSpace
    enrolment: Enrolment  # agency.participant's
    other_space: LearningSpace
    other_enrolment: Enrolment  # agency.colleague_b's, in other_space


@pytest.fixture
def classroom(agency) -> Classroom:
    today = timezone.localdate()
    space = LearningSpaceFactory(starts_on=today, ends_on=today + datetime.timedelta(days=2))
    space.facilitators.add(agency.facilitator_user)
    other_space = LearningSpaceFactory(starts_on=today, ends_on=today + datetime.timedelta(days=2))
    return Classroom(
        space,
        EnrolmentFactory(space=space, employee=agency.participant),
        other_space,
        EnrolmentFactory(space=other_space, employee=agency.colleague_b),
    )


@pytest.fixture
def bank(db):
    """Twenty active Perekat Bangsa questions, four options each, option 1 correct."""
    return QuestionFactory.create_batch(20)


@pytest.fixture
def open_quizzes(classroom, bank) -> tuple[Quiz, Quiz]:
    """The space's pre- and post-test (5 questions each, parallel forms), both open from an hour
    ago to an hour from now; the other space gets the same."""
    now = timezone.now()
    made = []
    for space in (classroom.space, classroom.other_space):
        pre, post = quiz_services.quizzes_prepare(
            space=space, competency=perekat_bangsa(), question_count=5, parallel=True, time_limit_minutes=30
        )
        for quiz in (pre, post):
            quiz.opens_at, quiz.closes_at = (
                now - datetime.timedelta(hours=1),
                now + datetime.timedelta(hours=1),
            )
            quiz.save()
        made.append((pre, post))
    return made[0]
