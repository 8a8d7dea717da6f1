"""Results: Hake's normalized gain and its categories, a hand-computed class (each participant's
pre, post, difference, g and category; the class-average g against the mean of individual g; the
distribution), each question's difficulty, a leader's scope, and the results across spaces.

Attempts are made through the services (attempt_start / answer_save / attempt_submit) on the
`open_quizzes` fixture: five questions per test, option position 1 correct."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from elearning.models import Attempt, Enrolment, Option, Quiz, QuizKind
from elearning.scoring import gain_category, gain_label, normalized_gain
from elearning.selectors.results import (
    UNDEFINED,
    participant_result,
    space_results,
    unit_results,
    unit_results_years,
)
from elearning.services import quizzes as quiz_services
from employees.selectors import employees_visible_to
from employees.tests.factories import EmployeeFactory

from .factories import EnrolmentFactory, LearningSpaceFactory

pytestmark = pytest.mark.django_db

D = Decimal


# --- normalized gain -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pre, post, gain",
    [
        (40, 80, D("0.667")),  # 40 of the 60 points left
        (20, 100, D("1.000")),
        (0, 0, D("0.000")),
        (50, 50, D("0.000")),
        (60, 40, D("-0.500")),  # negative: the post-test went worse
        (D("99.5"), 100, D("1.000")),
        (100, 80, None),  # pre = 100: nothing left to gain, undefined
        (100, 100, None),
        (None, 80, None),  # a test not taken
        (40, None, None),
    ],
)
def test_normalized_gain(pre, post, gain):
    assert normalized_gain(pre, post) == gain


@pytest.mark.parametrize(
    "gain, category",
    [
        (D("0.7"), "high"),  # the boundary is high
        (D("0.699"), "medium"),
        (D("0.3"), "medium"),  # the boundary is medium
        (D("0.299"), "low"),
        (D("-0.5"), "low"),
        (D("1"), "high"),
        (None, None),
    ],
)
def test_gain_category_boundaries(gain, category):
    assert gain_category(gain) == category


def test_undefined_gain_is_labelled_as_such():
    assert str(gain_label(normalized_gain(100, 90))) == "Tidak terdefinisi (pre-test 100)"


# --- a hand-computed class ---------------------------------------------------------------------------


def quiz_positions(quiz: Quiz) -> list[int]:
    """The quiz's question ids in position order."""
    return list(quiz.quiz_questions.order_by("position").values_list("question_id", flat=True))


def take(quiz: Quiz, enrolment: Enrolment, marks: str, *, submit: bool = True) -> Attempt:
    """Sit `quiz` through the services. `marks` has one letter per question position: C answers
    correctly (option 1), W wrongly (option 2), - leaves it unanswered."""
    attempt = quiz_services.attempt_start(quiz=quiz, enrolment=enrolment)
    options = {
        (question_id, position): pk
        for question_id, position, pk in Option.objects.filter(
            question_id__in=attempt.question_order
        ).values_list("question_id", "position", "pk")
    }
    for question_id, mark in zip(quiz_positions(quiz), marks, strict=True):
        if mark == "-":
            continue
        quiz_services.answer_save(
            attempt_id=attempt.pk,
            user=enrolment.employee.user,
            question_id=question_id,
            option_id=options[(question_id, 1 if mark == "C" else 2)],
        )
    if submit:
        attempt = quiz_services.attempt_submit(attempt=attempt)
    return attempt


# Per participant: pre-test marks, post-test marks (None: not started; a tuple: started, not
# submitted), and the hand-computed pre, post, difference, g and category.
#            pre      post                 pre  post  diff  g         category
CLASS = {
    "Andi Peserta": ("CCW--", "CCCCW",     40,  80,   40,   "0.667",  "medium"),
    "Budi":         ("WC---", "CCCCC",     20,  100,  80,   "1.000",  "high"),
    "Citra":        ("CCCCC", "CCCCW",     100, 80,   -20,  None,     UNDEFINED),
    "Dewi":         ("CCCW-", "CCWWW",     60,  40,   -20,  "-0.500", "low"),
    "Eko":          ("CWCCW", ("C----",),  60,  None, None, None,     None),
}  # fmt: skip


@dataclass
class World:
    agency: object
    classroom: object
    pre: Quiz
    post: Quiz
    enrolments: dict


def build_class(agency, classroom, open_quizzes) -> World:
    """The classroom space with five learners: Andi (the agency's participant, A1), Budi (A),
    Citra (B), Dewi (A1) and Eko (root), each sitting the tests as in CLASS. An inactive
    enrolment with a full score and the other space's learner must not count."""
    pre, post = open_quizzes
    units = {"Budi": agency.unit_a, "Citra": agency.unit_b, "Dewi": agency.unit_a_child, "Eko": agency.root}
    enrolments = {"Andi Peserta": classroom.enrolment}
    for name, unit in units.items():
        employee = EmployeeFactory(name=name, unit=unit, with_login=True)
        enrolments[name] = EnrolmentFactory(space=classroom.space, employee=employee)
    for name, (pre_marks, post_marks, *_expected) in CLASS.items():
        take(pre, enrolments[name], pre_marks)
        if isinstance(post_marks, tuple):
            take(post, enrolments[name], post_marks[0], submit=False)
        else:
            take(post, enrolments[name], post_marks)
    gone = EnrolmentFactory(
        space=classroom.space,
        employee=EmployeeFactory(name="Fajar Keluar", unit=agency.unit_a, with_login=True),
    )
    take(pre, gone, "WWWWW")
    take(post, gone, "CCCCC")
    Enrolment.objects.filter(pk=gone.pk).update(is_active=False)
    other_pre = Quiz.objects.get(space=classroom.other_space, kind=QuizKind.PRE)
    take(other_pre, classroom.other_enrolment, "CCCCC")
    return World(agency, classroom, pre, post, enrolments)


@pytest.fixture
def world(agency, classroom, open_quizzes) -> World:
    return build_class(agency, classroom, open_quizzes)


def as_decimal(value):
    return None if value is None else D(value)


def test_each_participant_row_is_hand_computed(world):
    results = space_results(world.classroom.space)
    assert [r.name for r in results.rows] == list(CLASS)  # by name; the inactive enrolment is gone
    for row in results.rows:
        _pre_marks, _post_marks, pre, post, diff, gain, category = CLASS[row.name]
        assert (row.pre, row.post, row.difference) == (as_decimal(pre), as_decimal(post), as_decimal(diff))
        assert row.gain == as_decimal(gain), row.name
        assert row.category == category, row.name
    by_name = {r.name: r for r in results.rows}
    assert str(by_name["Andi Peserta"].pre) == "40.00"  # two decimals, whatever the database
    assert by_name["Andi Peserta"].nip == world.agency.participant.nip
    assert by_name["Andi Peserta"].unit_name == "Subdirektorat A1"
    assert by_name["Citra"].gain_undefined
    assert str(by_name["Citra"].category_label) == "Tidak terdefinisi (pre-test 100)"
    # Eko's post-test is started but not submitted: not taken, so no gain and no category
    assert str(by_name["Eko"].category_label) == "Belum lengkap"
    assert not by_name["Eko"].gain_undefined


def test_class_average_gain_differs_from_the_mean_of_individual_gains(world):
    summary = space_results(world.classroom.space).summary
    assert (summary.n, summary.n_pre, summary.n_post, summary.n_both) == (5, 5, 4, 4)
    # means over everyone who submitted each test
    assert summary.mean_pre == D("56.00")  # (40 + 20 + 100 + 60 + 60) / 5
    assert summary.mean_post == D("75.00")  # (80 + 100 + 80 + 40) / 4
    # the class-average g uses the four who took both: pre 55, post 75 → 20 / 45
    assert (summary.matched_mean_pre, summary.matched_mean_post) == (D("55.00"), D("75.00"))
    assert summary.means_differ
    assert summary.class_gain == D("0.444")
    assert summary.class_category == "medium"
    # the mean of the defined individual g: (0.667 + 1.000 − 0.500) / 3; Citra's is undefined
    assert summary.mean_gain == D("0.389")
    assert (summary.n_gain, summary.n_undefined) == (3, 1)
    assert summary.class_gain != summary.mean_gain


def test_score_distribution_in_bins_of_twenty(world):
    bins = space_results(world.classroom.space).summary.bins
    assert [b.label for b in bins] == ["0–<20", "20–<40", "40–<60", "60–<80", "80–100"]
    assert [b.pre for b in bins] == [0, 1, 1, 2, 1]  # 20; 40; 60, 60; 100
    assert [b.post for b in bins] == [0, 0, 1, 0, 3]  # 40; 80, 100, 80 (100 is in the last bin)
    assert [b.pre_width for b in bins] == [0, 20, 20, 40, 20]  # percent of the 5 takers
    assert [b.post_width for b in bins] == [0, 0, 25, 0, 75]


def test_difficulty_per_question_counts_unanswered_as_wrong(world):
    difficulty = space_results(world.classroom.space).difficulty
    assert [d.quiz.kind for d in difficulty] == [QuizKind.PRE, QuizKind.POST]
    pre, post = difficulty
    assert pre.attempts == 5
    assert [q.position for q in pre.questions] == [1, 2, 3, 4, 5]
    codes = dict(world.pre.quiz_questions.values_list("position", "question__code"))
    assert [q.code for q in pre.questions] == [codes[n] for n in range(1, 6)]
    assert all(q.excerpt.startswith("Pertanyaan nomor") for q in pre.questions)
    #           position:   1  2  3  4  5
    assert [q.answered for q in pre.questions] == [5, 5, 4, 3, 2]
    assert [q.correct for q in pre.questions] == [4, 4, 3, 2, 1]
    assert [q.share for q in pre.questions] == [D("0.80"), D("0.80"), D("0.60"), D("0.40"), D("0.20")]
    assert [q.level for q in pre.questions] == ["easy", "easy", "medium", "medium", "hard"]
    # Eko's unsubmitted post-test answer is not counted
    assert post.attempts == 4
    assert [q.answered for q in post.questions] == [4, 4, 4, 4, 4]
    assert [q.correct for q in post.questions] == [4, 4, 3, 3, 1]
    assert [q.share for q in post.questions] == [D("1.00"), D("1.00"), D("0.75"), D("0.75"), D("0.25")]
    assert [q.level for q in post.questions] == ["easy", "easy", "medium", "medium", "hard"]
    assert [str(q.level_label) for q in post.questions[2:]] == ["Sedang", "Sedang", "Sukar"]


def test_a_leader_sees_only_their_subtree_and_its_own_figures(world):
    agency = world.agency
    results = space_results(world.classroom.space, employees=employees_visible_to(agency.leader_a.user))
    assert [r.name for r in results.rows] == ["Andi Peserta", "Budi", "Dewi"]  # A1, A, A1
    summary = results.summary
    assert (summary.mean_pre, summary.mean_post) == (D("40.00"), D("73.33"))
    assert summary.class_gain == D("0.556")  # (220/3 − 40) / 60
    assert summary.mean_gain == D("0.389")
    assert results.difficulty[0].attempts == 3
    assert [q.correct for q in results.difficulty[0].questions] == [2, 3, 1, 0, 0]
    only_b = space_results(world.classroom.space, employees=employees_visible_to(agency.leader_b.user))
    assert [r.name for r in only_b.rows] == ["Citra"]
    assert only_b.summary.class_gain is None  # pre 100: undefined for the class too
    assert str(only_b.summary.class_category_label) == "Tidak terdefinisi (pre-test 100)"


def test_a_space_without_tests_or_attempts(agency, classroom):
    results = space_results(classroom.space)
    assert [r.name for r in results.rows] == ["Andi Peserta"]
    assert (results.rows[0].pre, results.rows[0].category) == (None, None)
    assert not results.has_pre and not results.has_post and results.difficulty == []
    summary = results.summary
    assert (summary.n, summary.n_pre, summary.mean_pre, summary.class_gain, summary.mean_gain) == (
        1,
        0,
        None,
        None,
        None,
    )
    assert [b.pre_width for b in summary.bins] == [0] * 5


def test_difficulty_without_any_submitted_attempt_has_no_share(agency, classroom, open_quizzes):
    results = space_results(classroom.space)
    assert [q.share for q in results.difficulty[0].questions] == [None] * 5


def test_unit_results_groups_the_scope_by_space(world):
    agency = world.agency
    later = LearningSpaceFactory(
        title="Angkatan II",
        starts_on=world.classroom.space.starts_on + datetime.timedelta(days=7),
        ends_on=world.classroom.space.starts_on + datetime.timedelta(days=9),
    )
    EnrolmentFactory(space=later, employee=agency.participant)
    groups = unit_results(agency.leader_a.user)
    assert [g.space for g in groups] == [later, world.classroom.space]  # newest first
    assert [r.name for r in groups[0].rows] == ["Andi Peserta"]
    assert [r.name for r in groups[1].rows] == ["Andi Peserta", "Budi", "Dewi"]
    assert groups[1].summary.class_gain == D("0.556")
    everyone = {g.space: [r.name for r in g.rows] for g in unit_results(agency.hr.user)}
    assert everyone == {
        later: ["Andi Peserta"],
        world.classroom.space: list(CLASS),
        world.classroom.other_space: ["Rekan di B"],
    }
    assert [r.name for r in unit_results(agency.leader_b.user)[0].rows] == ["Citra"]
    year = world.classroom.space.starts_on.year
    assert unit_results_years(agency.leader_a.user) == sorted({year, later.starts_on.year}, reverse=True)
    assert unit_results(agency.leader_a.user, year=year - 1) == []


def test_participant_sees_own_score_only_once_the_window_closes(world):
    enrolment = world.enrolments["Andi Peserta"]
    row = participant_result(enrolment)
    assert (row.pre, row.post, row.gain) == (None, None, None)  # both tests still open
    Quiz.objects.filter(pk=world.pre.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    row = participant_result(enrolment)
    assert (row.pre, row.post) == (D("40.00"), None)
    Quiz.objects.filter(pk=world.post.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    row = participant_result(enrolment)
    assert (row.pre, row.post, row.gain, row.category) == (D("40.00"), D("80.00"), D("0.667"), "medium")


def test_selectors_run_a_constant_number_of_queries(world, django_assert_num_queries):
    agency = world.agency
    scope = employees_visible_to(agency.leader_a.user)  # reads the led units and the employee once
    # the quizzes; the rows with both scores; the answers counted per question; the questions
    with django_assert_num_queries(4):
        space_results(world.classroom.space)
    with django_assert_num_queries(4):  # the leader's scope is a subquery of the rows' query
        space_results(world.classroom.space, employees=scope)
    with django_assert_num_queries(1):  # the years with enrolments in scope
        unit_results_years(agency.leader_a.user)
    with django_assert_num_queries(1):  # the rows, with their space and scores
        unit_results(agency.leader_a.user)
