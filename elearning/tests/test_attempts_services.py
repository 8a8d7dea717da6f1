"""Pre- and post-tests through their services: drawing the questions, starting an attempt (its
window, its stored shuffled order), saving answers (upsert, client_seq, who, when), submitting,
and finalizing the attempts whose time ran out."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from elearning.models import Answer, Attempt, FinishedBy, LearningSpace, Option, Quiz, QuizQuestion
from elearning.services import quizzes as quiz_services
from elearning.services.quizzes import AttemptClosed
from elearning.services.spaces import enrolment_revoke
from elearning.tasks import finalize_overdue_attempts
from employees.tests.factories import EmployeeFactory

from .factories import EnrolmentFactory, LearningSpaceFactory, perekat_bangsa

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


def question_ids(quiz: Quiz) -> list[int]:
    return list(
        QuizQuestion.objects.filter(quiz=quiz).order_by("position").values_list("question_id", flat=True)
    )


def correct(question_id: int) -> int:
    return Option.objects.get(question_id=question_id, is_correct=True).pk


def wrong(question_id: int) -> int:
    return Option.objects.filter(question_id=question_id, is_correct=False).order_by("position")[0].pk


def new_learner(space: LearningSpace):
    return EnrolmentFactory(space=space, employee=EmployeeFactory(with_login=True))


def save(attempt, user, question_id, option_id, **kwargs):
    return quiz_services.answer_save(
        attempt_id=attempt.pk, user=user, question_id=question_id, option_id=option_id, **kwargs
    )


@pytest.fixture
def pre(open_quizzes):
    return open_quizzes[0]


@pytest.fixture
def attempt(pre, classroom):
    """The participant's pre-test attempt, started now (deadline in 30 minutes)."""
    return quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)


# --- drawing the questions --------------------------------------------------------------------


def test_parallel_forms_share_no_question_and_have_the_same_size(classroom, bank):
    pre, post = quiz_services.quizzes_prepare(
        space=classroom.space, competency=perekat_bangsa(), question_count=7, parallel=True
    )
    pre_ids, post_ids = set(question_ids(pre)), set(question_ids(post))
    assert len(pre_ids) == len(post_ids) == 7
    assert not pre_ids & post_ids
    assert (pre.kind, post.kind) == (Quiz.Kind.PRE, Quiz.Kind.POST)
    # the pre-test is open on the class's first day, the post-test on its last (local time)
    assert timezone.localtime(pre.opens_at).date() == classroom.space.starts_on
    assert timezone.localtime(post.opens_at).date() == classroom.space.ends_on
    assert post.closes_at - post.opens_at == datetime.timedelta(days=1)


def test_parallel_forms_are_alike_in_difficulty(classroom, bank):
    # The bank holds four questions of each level 1-5; drawn by level and dealt alternately,
    # the two forms of ten get the same levels.
    pre, post = quiz_services.quizzes_prepare(
        space=classroom.space, competency=perekat_bangsa(), question_count=10, parallel=True, seed=3
    )

    def levels(quiz):
        return sorted(quiz.questions.values_list("level", flat=True))

    assert levels(pre) == levels(post) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_the_same_form_gives_both_tests_the_same_questions(classroom, bank):
    pre, post = quiz_services.quizzes_prepare(
        space=classroom.space, competency=perekat_bangsa(), question_count=7, parallel=False
    )
    assert len(question_ids(pre)) == 7
    assert set(question_ids(pre)) == set(question_ids(post))


def test_a_bank_too_small_is_refused_with_the_numbers(classroom, bank):
    # inactive questions, and a question without a correct option, are not drawn
    bank[0].is_active = False
    bank[0].save()
    Option.objects.filter(question=bank[1]).update(is_correct=False)

    with pytest.raises(ValidationError) as refused:
        quiz_services.quizzes_prepare(
            space=classroom.space, competency=perekat_bangsa(), question_count=10, parallel=True
        )

    assert refused.value.messages == [
        f"Bank soal {perekat_bangsa().name} hanya memiliki 18 soal aktif; dibutuhkan 20 "
        "(10 soal per tes, bentuk paralel). Tambahkan soal atau kurangi jumlah soal per tes."
    ]
    assert not Quiz.objects.exists()


def test_the_questions_may_be_redrawn_while_nobody_has_started(classroom, bank):
    first = quiz_services.quizzes_prepare(
        space=classroom.space, competency=perekat_bangsa(), question_count=5, seed=1
    )
    again = quiz_services.quizzes_prepare(
        space=classroom.space, competency=perekat_bangsa(), question_count=8, seed=2, time_limit_minutes=45
    )
    assert [quiz.pk for quiz in again] == [quiz.pk for quiz in first]
    assert [len(question_ids(quiz)) for quiz in again] == [8, 8]
    assert {quiz.time_limit_minutes for quiz in Quiz.objects.all()} == {45}


def test_redrawing_is_refused_once_an_attempt_exists(classroom, pre, attempt):
    before = question_ids(pre)

    with pytest.raises(ValidationError) as refused:
        quiz_services.quizzes_prepare(space=classroom.space, competency=perekat_bangsa(), question_count=5)

    assert refused.value.messages == [
        "Pre-test sudah mulai dikerjakan peserta; soalnya tidak dapat diganti lagi."
    ]
    assert question_ids(pre) == before


# --- starting -------------------------------------------------------------------------------


def test_an_attempt_cannot_start_before_the_window_opens(classroom, pre):
    with pytest.raises(ValidationError) as refused:
        quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment, now=pre.opens_at - MINUTE)
    opens = timezone.localtime(pre.opens_at).strftime("%d-%m-%Y %H:%M")
    assert refused.value.messages == [f"Pre-test baru dibuka {opens} WIB."]
    assert not Attempt.objects.exists()


def test_an_attempt_cannot_start_once_the_window_closed(classroom, pre):
    with pytest.raises(ValidationError) as refused:
        quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment, now=pre.closes_at)
    closes = timezone.localtime(pre.closes_at).strftime("%d-%m-%Y %H:%M")
    assert refused.value.messages == [f"Pre-test sudah ditutup sejak {closes} WIB."]
    assert not Attempt.objects.exists()


def test_a_quiz_without_questions_cannot_start(agency, db):
    space = LearningSpaceFactory()
    now = timezone.now()
    quiz = Quiz.objects.create(
        space=space,
        kind=Quiz.Kind.PRE,
        competency=perekat_bangsa(),
        opens_at=now - MINUTE,
        closes_at=now + MINUTE,
    )
    enrolment = EnrolmentFactory(space=space, employee=agency.participant)
    with pytest.raises(ValidationError, match="Pre-test belum memiliki soal."):
        quiz_services.attempt_start(quiz=quiz, enrolment=enrolment)


def test_the_deadline_is_the_time_limit_but_never_after_the_window_closes(classroom, pre):
    early = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment, now=pre.opens_at)
    assert early.deadline_at == pre.opens_at + datetime.timedelta(minutes=30)
    late = quiz_services.attempt_start(
        quiz=pre, enrolment=new_learner(classroom.space), now=pre.closes_at - 10 * MINUTE
    )
    assert late.deadline_at == pre.closes_at


def test_the_shuffled_order_is_stored_and_the_same_when_resumed(classroom, pre, attempt):
    quiz_questions = question_ids(pre)
    assert sorted(attempt.question_order) == sorted(quiz_questions)
    assert attempt.question_total == len(quiz_questions) == 5
    assert set(attempt.option_order) == {str(q) for q in quiz_questions}
    for question_id, option_ids in attempt.option_order.items():
        assert sorted(option_ids) == sorted(
            Option.objects.filter(question_id=question_id).values_list("pk", flat=True)
        )

    resumed = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)

    assert resumed.pk == attempt.pk
    assert (resumed.question_order, resumed.option_order) == (attempt.question_order, attempt.option_order)
    assert Attempt.objects.count() == 1
    stored = Attempt.objects.get()
    assert (stored.question_order, stored.option_order) == (attempt.question_order, attempt.option_order)


def test_learners_get_different_orders(classroom, pre):
    # 5 questions: 120 orders; 20 learners all drawing the same one has probability 120**-19
    attempts = [
        quiz_services.attempt_start(quiz=pre, enrolment=new_learner(classroom.space)) for _ in range(20)
    ]
    assert len({tuple(a.question_order) for a in attempts}) > 1
    first_question = str(attempts[0].question_order[0])
    assert len({tuple(a.option_order[first_question]) for a in attempts}) > 1  # 24 orders each


# --- saving answers -----------------------------------------------------------------------------


def test_changing_an_answer_keeps_one_row_with_the_new_choice(agency, attempt):
    question = attempt.question_order[0]
    assert save(attempt, agency.participant.user, question, wrong(question)) == wrong(question)
    assert save(attempt, agency.participant.user, question, correct(question)) == correct(question)
    assert list(Answer.objects.values_list("question_id", "option_id")) == [(question, correct(question))]


def test_an_older_click_retried_after_a_newer_one_does_not_overwrite_it(agency, attempt):
    question = attempt.question_order[0]
    user = agency.participant.user
    assert save(attempt, user, question, correct(question), client_seq=1700000000002) == correct(question)

    stored = save(attempt, user, question, wrong(question), client_seq=1700000000001)

    assert stored == correct(question)  # the page is told which choice is kept
    answer = Answer.objects.get()
    assert (answer.option_id, answer.client_seq) == (correct(question), 1700000000002)


def test_a_newer_click_overwrites_an_older_one(agency, attempt):
    question = attempt.question_order[0]
    user = agency.participant.user
    save(attempt, user, question, correct(question), client_seq=1)
    assert save(attempt, user, question, wrong(question), client_seq=2) == wrong(question)
    assert Answer.objects.get().option_id == wrong(question)


def test_an_option_that_is_not_part_of_the_attempt_is_refused(agency, attempt, bank):
    first, second = attempt.question_order[:2]
    outside = next(q.pk for q in bank if q.pk not in attempt.question_order)
    user = agency.participant.user
    for question_id, option_id in [
        (first, correct(second)),  # another question's option
        (outside, correct(outside)),  # a question of the bank that is not in this test
        (first, 999999),
    ]:
        with pytest.raises(ValidationError, match="Soal atau pilihan itu bukan bagian dari tes ini."):
            save(attempt, user, question_id, option_id)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("who", ["colleague_b", "leader_a", "hr"])
def test_nobody_else_can_write_into_an_attempt(agency, classroom, open_quizzes, attempt, who):
    # colleague_b has an attempt of their own, in another space
    other_pre = Quiz.objects.get(space=classroom.other_space, kind=Quiz.Kind.PRE)
    quiz_services.attempt_start(quiz=other_pre, enrolment=classroom.other_enrolment)
    question = attempt.question_order[0]
    with pytest.raises(Attempt.DoesNotExist):
        save(attempt, getattr(agency, who).user, question, correct(question))
    assert not Answer.objects.exists()


def test_a_revoked_learner_can_no_longer_write_into_their_attempt(agency, classroom, attempt):
    enrolment_revoke(space=classroom.space, employee=agency.participant)
    question = attempt.question_order[0]
    with pytest.raises(Attempt.DoesNotExist):
        save(attempt, agency.participant.user, question, correct(question))


def test_no_answer_is_taken_after_submission(agency, attempt):
    question = attempt.question_order[0]
    save(attempt, agency.participant.user, question, wrong(question))
    quiz_services.attempt_submit(attempt=attempt)

    with pytest.raises(AttemptClosed) as closed:
        save(attempt, agency.participant.user, question, correct(question), client_seq=99)

    assert str(closed.value) == "Tes ini sudah dikumpulkan; jawaban tidak dapat diubah lagi."
    assert Answer.objects.get().option_id == wrong(question)


def test_an_answer_within_the_grace_after_the_deadline_is_kept_but_not_after(agency, attempt):
    first, second = attempt.question_order[:2]
    user = agency.participant.user
    within = attempt.deadline_at + quiz_services.DEADLINE_GRACE - SECOND
    assert save(attempt, user, first, correct(first), now=within) == correct(first)

    with pytest.raises(AttemptClosed) as closed:
        save(
            attempt,
            user,
            second,
            correct(second),
            now=attempt.deadline_at + quiz_services.DEADLINE_GRACE + SECOND,
        )

    assert str(closed.value) == "Waktu pengerjaan sudah habis; jawaban yang tersimpan sudah dikumpulkan."
    assert list(Answer.objects.values_list("question_id", flat=True)) == [first]


# --- submitting -------------------------------------------------------------------------------


def answer_three_right_one_wrong(attempt, user):
    """Of five questions: three right, one wrong, one left blank."""
    q1, q2, q3, q4, _q5 = attempt.question_order
    for question in (q1, q2, q3):
        save(attempt, user, question, correct(question))
    save(attempt, user, q4, wrong(q4))


def test_the_score_is_the_percent_correct_and_a_blank_counts_wrong(agency, attempt):
    answer_three_right_one_wrong(attempt, agency.participant.user)

    submitted = quiz_services.attempt_submit(attempt=attempt)

    assert submitted.score == Decimal("60.00")
    assert (submitted.correct_count, submitted.question_total) == (3, 5)
    assert submitted.finished_by == FinishedBy.PARTICIPANT
    assert Attempt.objects.get().score == Decimal("60.00")


def test_submitting_twice_changes_nothing(agency, attempt):
    answer_three_right_one_wrong(attempt, agency.participant.user)
    first = quiz_services.attempt_submit(attempt=attempt)

    second = quiz_services.attempt_submit(
        attempt=attempt, finished_by=FinishedBy.DEADLINE, now=first.submitted_at + 5 * MINUTE
    )

    stored = Attempt.objects.get()
    for result in (second, stored):
        assert (result.submitted_at, result.score, result.finished_by) == (
            first.submitted_at,
            Decimal("60.00"),
            FinishedBy.PARTICIPANT,
        )


# --- finalizing overdue attempts --------------------------------------------------------------


@pytest.fixture
def three_attempts(agency, classroom, pre):
    """overdue: started when the window opened (deadline 30 minutes ago), with answers saved;
    running: started now; done: submitted by its learner."""
    overdue = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment, now=pre.opens_at)
    q1, q2 = overdue.question_order[:2]
    save(overdue, agency.participant.user, q1, correct(q1), now=pre.opens_at + MINUTE)
    save(overdue, agency.participant.user, q2, wrong(q2), now=pre.opens_at + MINUTE)
    running = quiz_services.attempt_start(quiz=pre, enrolment=new_learner(classroom.space))
    done_enrolment = new_learner(classroom.space)
    done = quiz_services.attempt_start(quiz=pre, enrolment=done_enrolment, now=pre.opens_at)
    done = quiz_services.attempt_submit(attempt=done, now=pre.opens_at + 2 * MINUTE)
    return overdue, running, done


def test_overdue_attempts_are_finalized_with_their_saved_answers(three_attempts):
    overdue, running, done = three_attempts
    now = timezone.now()

    assert quiz_services.attempts_finalize_overdue(now=now) == 1

    overdue.refresh_from_db()
    assert (overdue.submitted_at, overdue.finished_by) == (now, FinishedBy.DEADLINE)
    assert (overdue.correct_count, overdue.score) == (1, Decimal("20.00"))
    running.refresh_from_db()
    assert running.submitted_at is None
    unchanged = Attempt.objects.get(pk=done.pk)
    assert (unchanged.submitted_at, unchanged.finished_by) == (done.submitted_at, FinishedBy.PARTICIPANT)

    # idempotent: a second sweep finds nothing and changes nothing
    assert quiz_services.attempts_finalize_overdue(now=now + MINUTE) == 0
    overdue.refresh_from_db()
    assert overdue.submitted_at == now


def test_an_attempt_within_the_grace_is_not_finalized_yet(classroom, pre, attempt):
    assert (
        quiz_services.attempts_finalize_overdue(now=attempt.deadline_at + quiz_services.DEADLINE_GRACE) == 0
    )
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_the_celery_task_finalizes_overdue_attempts(three_attempts):
    overdue, running, _done = three_attempts

    assert finalize_overdue_attempts.delay().get() == 1

    overdue.refresh_from_db()
    running.refresh_from_db()
    assert overdue.finished_by == FinishedBy.DEADLINE and overdue.score == Decimal("20.00")
    assert running.submitted_at is None


def test_finalize_if_overdue_submits_only_an_overdue_open_attempt(agency, attempt):
    question = attempt.question_order[0]
    save(attempt, agency.participant.user, question, correct(question))

    before = quiz_services.attempt_finalize_if_overdue(attempt=attempt, now=attempt.deadline_at)
    assert before.submitted_at is None

    after_grace = attempt.deadline_at + quiz_services.DEADLINE_GRACE + SECOND
    finalized = quiz_services.attempt_finalize_if_overdue(attempt=attempt, now=after_grace)
    assert (finalized.submitted_at, finalized.finished_by, finalized.score) == (
        after_grace,
        FinishedBy.DEADLINE,
        Decimal("20.00"),
    )

    again = quiz_services.attempt_finalize_if_overdue(attempt=finalized, now=after_grace + MINUTE)
    assert again.submitted_at == after_grace
