"""Pre- and post-tests: drawing their questions from the bank, starting an attempt, saving each
answer the moment it is chosen, and submitting (by the participant, or at the deadline).

Answers are the product's most precious data: each save is one committed statement, the
attempt row is locked while an answer is written or the attempt is scored, so an answer is
either counted or refused, never acknowledged and then lost."""

import datetime
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Competency

from ..models import (
    Answer,
    Attempt,
    Enrolment,
    FinishedBy,
    LearningSpace,
    Option,
    Question,
    Quiz,
    QuizKind,
    QuizQuestion,
)
from ..scoring import percent
from . import format_wib

# A click made just before the deadline may reach the server a little after it.
DEADLINE_GRACE = datetime.timedelta(seconds=10)

MSG_BANK_TOO_SMALL = _(
    "Bank soal %(competency)s hanya memiliki %(available)s soal aktif; dibutuhkan %(needed)s "
    "(%(count)s soal per tes%(parallel)s). Tambahkan soal atau kurangi jumlah soal per tes."
)
MSG_ALREADY_TAKEN = _("%(quiz)s sudah mulai dikerjakan peserta; soalnya tidak dapat diganti lagi.")
MSG_NOT_OPEN_YET = _("%(quiz)s baru dibuka %(opens)s WIB.")
MSG_CLOSED = _("%(quiz)s sudah ditutup sejak %(closes)s WIB.")
MSG_NO_QUESTIONS = _("%(quiz)s belum memiliki soal.")
MSG_TIME_UP = _("Waktu pengerjaan sudah habis; jawaban yang tersimpan sudah dikumpulkan.")
MSG_SUBMITTED = _("Tes ini sudah dikumpulkan; jawaban tidak dapat diubah lagi.")
MSG_NOT_IN_ATTEMPT = _("Soal atau pilihan itu bukan bagian dari tes ini.")
MSG_WINDOW_ORDER = _("Waktu tutup harus setelah waktu buka.")
MSG_NOT_ENROLLED = _("Anda bukan peserta kelas tes ini.")


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or its time is up)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _day_window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))
    return start, start + datetime.timedelta(days=1)


def _draw(bank: list[Question], count: int, parallel: bool, rng: random.Random):
    """Pick questions at random; for parallel forms, pairs of the same level are split between
    the two forms, so pre and post are alike in difficulty but share no question."""
    rng.shuffle(bank)
    if not parallel:
        return bank[:count], bank[:count]
    picked = sorted(bank[: 2 * count], key=lambda q: q.level or 0)
    return picked[0::2], picked[1::2]


@transaction.atomic
def quizzes_prepare(
    *,
    space: LearningSpace,
    competency: Competency,
    question_count: int = 20,
    parallel: bool = True,
    time_limit_minutes: int = 30,
    seed: int | None = None,
) -> tuple[Quiz, Quiz]:
    """Set up (or redraw, while nobody has started) the space's pre-test on its first day and
    post-test on its last, from the competency's active questions."""
    existing = {q.kind: q for q in Quiz.objects.select_for_update().filter(space=space)}
    for quiz in existing.values():
        if quiz.attempts.exists():
            raise ValidationError(MSG_ALREADY_TAKEN % {"quiz": quiz.get_kind_display()})
    bank = list(
        Question.objects.filter(competency=competency, is_active=True)
        .annotate(n_correct=Count("options", filter=Q(options__is_correct=True)), n_options=Count("options"))
        .filter(n_correct=1, n_options__gte=2)
        .order_by("pk")
    )
    needed = question_count * (2 if parallel else 1)
    if len(bank) < needed:
        raise ValidationError(
            MSG_BANK_TOO_SMALL
            % {
                "competency": competency.name,
                "available": len(bank),
                "needed": needed,
                "count": question_count,
                "parallel": _(", bentuk paralel") if parallel else "",
            }
        )
    pre_questions, post_questions = _draw(bank, question_count, parallel, random.Random(seed))
    windows = {QuizKind.PRE: _day_window(space.starts_on), QuizKind.POST: _day_window(space.ends_on)}
    quizzes = []
    for kind, questions in ((QuizKind.PRE, pre_questions), (QuizKind.POST, post_questions)):
        quiz = existing.get(kind)
        if quiz is None:
            opens, closes = windows[kind]
            quiz = Quiz.objects.create(
                space=space,
                kind=kind,
                competency=competency,
                opens_at=opens,
                closes_at=closes,
                time_limit_minutes=time_limit_minutes,
            )
        else:
            quiz.competency, quiz.time_limit_minutes = competency, time_limit_minutes
            quiz.save(update_fields=["competency", "time_limit_minutes"])
            quiz.quiz_questions.all().delete()
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=quiz, question=q, position=n) for n, q in enumerate(questions, start=1)]
        )
        quizzes.append(quiz)
    return quizzes[0], quizzes[1]


def quiz_update(
    *, quiz: Quiz, opens_at: datetime.datetime, closes_at: datetime.datetime, time_limit_minutes: int
) -> Quiz:
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": MSG_WINDOW_ORDER})
    quiz.opens_at, quiz.closes_at, quiz.time_limit_minutes = opens_at, closes_at, time_limit_minutes
    quiz.full_clean()
    with transaction.atomic():
        quiz.save(update_fields=["opens_at", "closes_at", "time_limit_minutes"])
        # Closing earlier cuts the attempts in progress: they end with the window.
        quiz.attempts.filter(submitted_at__isnull=True, deadline_at__gt=closes_at).update(
            deadline_at=closes_at
        )
    return quiz


def quiz_close_now(*, quiz: Quiz, now: datetime.datetime | None = None) -> Quiz:
    """The facilitator ends the test now (e.g. everyone has submitted): scores become visible to
    the participants, and attempts still open are submitted with what they saved."""
    now = now or timezone.now()
    if quiz.closes_at <= now:
        return quiz
    opens_at = min(quiz.opens_at, now - datetime.timedelta(seconds=1))
    quiz_update(quiz=quiz, opens_at=opens_at, closes_at=now, time_limit_minutes=quiz.time_limit_minutes)
    for attempt in quiz.attempts.filter(submitted_at__isnull=True):
        attempt_submit(attempt=attempt, finished_by=FinishedBy.DEADLINE, now=now)
    return quiz


def attempt_start(*, quiz: Quiz, enrolment: Enrolment, now: datetime.datetime | None = None) -> Attempt:
    """The learner's one attempt: resumed if it exists, else drawn now (question and option
    order shuffled for this learner and stored, so it never changes for this attempt)."""
    if enrolment.space_id != quiz.space_id or not enrolment.is_active:
        raise PermissionDenied(MSG_NOT_ENROLLED)
    existing = Attempt.objects.filter(quiz=quiz, enrolment=enrolment).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    if now < quiz.opens_at:
        raise ValidationError(
            MSG_NOT_OPEN_YET % {"quiz": quiz.get_kind_display(), "opens": format_wib(quiz.opens_at)}
        )
    if now >= quiz.closes_at:
        raise ValidationError(
            MSG_CLOSED % {"quiz": quiz.get_kind_display(), "closes": format_wib(quiz.closes_at)}
        )
    question_ids = list(quiz.quiz_questions.values_list("question_id", flat=True))
    if not question_ids:
        raise ValidationError(MSG_NO_QUESTIONS % {"quiz": quiz.get_kind_display()})
    options: dict[str, list[int]] = {}
    for question_id, option_id in (
        Option.objects.filter(question_id__in=question_ids)
        .order_by("question_id", "position")
        .values_list("question_id", "pk")
    ):
        options.setdefault(str(question_id), []).append(option_id)
    rng = random.SystemRandom()
    rng.shuffle(question_ids)
    for option_ids in options.values():
        rng.shuffle(option_ids)
    deadline = min(now + datetime.timedelta(minutes=quiz.time_limit_minutes), quiz.closes_at)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                enrolment=enrolment,
                started_at=now,
                deadline_at=deadline,
                question_order=question_ids,
                option_order=options,
                question_total=len(question_ids),
            )
    except IntegrityError:  # the same learner started it in another tab a moment ago
        return Attempt.objects.get(quiz=quiz, enrolment=enrolment)


_UPSERT_ANSWER = """
INSERT INTO elearning_answer (attempt_id, question_id, option_id, client_seq, saved_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (attempt_id, question_id) DO UPDATE
SET option_id = excluded.option_id, client_seq = excluded.client_seq, saved_at = excluded.saved_at
WHERE elearning_answer.client_seq <= excluded.client_seq
RETURNING option_id
"""


def answer_save(
    *,
    attempt_id: int,
    user,
    question_id: int,
    option_id: int,
    client_seq: int = 0,
    now: datetime.datetime | None = None,
) -> int:
    """Store the learner's choice; returns the option now stored for the question (a retried
    older click never overwrites a newer one). Raises Attempt.DoesNotExist for anyone but the
    attempt's own learner, AttemptClosed after submission or the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .only("pk", "submitted_at", "deadline_at", "option_order")
            .get(pk=attempt_id, enrolment__employee__user=user, enrolment__is_active=True)
        )
        if attempt.submitted_at is not None:
            raise AttemptClosed(MSG_SUBMITTED)
        if now > attempt.deadline_at + DEADLINE_GRACE:
            raise AttemptClosed(MSG_TIME_UP)
        if option_id not in attempt.option_order.get(str(question_id), ()):
            raise ValidationError(MSG_NOT_IN_ATTEMPT)
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT_ANSWER, [attempt.pk, question_id, option_id, client_seq, now])
            if cursor.fetchone() is not None:
                return option_id
        # A newer click of this learner is already stored: keep it and say which it is.
        return Answer.objects.filter(attempt_id=attempt.pk, question_id=question_id).values_list(
            "option_id", flat=True
        )[0]


@transaction.atomic
def attempt_submit(
    *, attempt: Attempt, finished_by: str = FinishedBy.PARTICIPANT, now: datetime.datetime | None = None
) -> Attempt:
    """Score the saved answers. Submitting twice (two taps, a retry, the sweep meeting the
    participant) changes nothing."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.submitted_at is not None:
        return locked
    correct = Answer.objects.filter(attempt=locked, option__is_correct=True).count()
    locked.submitted_at = now or timezone.now()
    locked.finished_by = finished_by
    locked.correct_count = correct
    locked.score = percent(correct, locked.question_total)
    locked.save(update_fields=["submitted_at", "finished_by", "correct_count", "score"])
    return locked


def attempts_finalize_overdue(*, now: datetime.datetime | None = None) -> int:
    """Submit every attempt whose deadline (plus the grace for answers in flight) has passed,
    with the answers it has. Idempotent: run by Celery beat every minute."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(submitted_at__isnull=True, deadline_at__lt=now - DEADLINE_GRACE)
    done = 0
    for attempt in overdue.only("pk").iterator():
        attempt_submit(attempt=attempt, finished_by=FinishedBy.DEADLINE, now=now)
        done += 1
    return done


def attempt_finalize_if_overdue(*, attempt: Attempt, now: datetime.datetime | None = None) -> Attempt:
    now = now or timezone.now()
    if attempt.submitted_at is None and now > attempt.deadline_at + DEADLINE_GRACE:
        return attempt_submit(attempt=attempt, finished_by=FinishedBy.DEADLINE, now=now)
    return attempt
