"""Pre/post-test results of a learning space: each participant's scores, difference and
normalized gain, the class summary (means, the class-average g and the mean of individual g, the
distribution of scores) and each question's difficulty. Every read is a constant number of
queries, however many participants.

An attempt counts only once submitted (by the participant or at the deadline): one still open
is "not taken". Only active enrolments are rows. The summary and the difficulty are computed
over the rows returned, so a leader's figures are those of their own people."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from employees.models import Employee
from employees.selectors import employees_visible_to

from ..models import Answer, Attempt, Enrolment, LearningSpace, Quiz, QuizKind, QuizQuestion
from ..scoring import GAIN_CATEGORY_LABELS, gain_category, normalized_gain

CENT = Decimal("0.01")
MILLI = Decimal("0.001")

# Score bins of the distribution: [low, high), the last one closed at 100.
SCORE_BINS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))

# Difficulty (share of submitted attempts answering correctly; unanswered counts as wrong).
EASY_FROM = Decimal("0.8")
HARD_BELOW = Decimal("0.3")
DIFFICULTY_LABELS = {"easy": _("Mudah"), "medium": _("Sedang"), "hard": _("Sukar")}

UNDEFINED = "undefined"  # a category: both tests taken, pre-test 100, so g is undefined
INCOMPLETE_LABEL = _("Belum lengkap")
EXCERPT_CHARS = 90


def _q(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


@dataclass
class ResultRow:
    enrolment_id: int
    employee_id: int
    nip: str
    name: str
    unit_name: str
    pre: Decimal | None  # percent; None: not taken (or not submitted)
    post: Decimal | None
    difference: Decimal | None = None
    gain: Decimal | None = None
    category: str | None = None  # "high" / "medium" / "low" / UNDEFINED; None: a test not taken

    def __post_init__(self):
        # two decimals whatever the database returns for a subquery (SQLite drops them)
        self.pre = None if self.pre is None else _q(Decimal(self.pre), CENT)
        self.post = None if self.post is None else _q(Decimal(self.post), CENT)
        if self.pre is not None and self.post is not None:
            self.difference = self.post - self.pre
            self.gain = normalized_gain(self.pre, self.post)
            self.category = gain_category(self.gain) if self.gain is not None else UNDEFINED

    @property
    def complete(self) -> bool:
        return self.pre is not None and self.post is not None

    @property
    def gain_undefined(self) -> bool:
        return self.category == UNDEFINED

    @property
    def category_label(self):
        if self.category is None:
            return INCOMPLETE_LABEL
        return GAIN_CATEGORY_LABELS[None if self.category == UNDEFINED else self.category]


@dataclass
class ScoreBin:
    low: int
    high: int
    pre: int = 0
    post: int = 0
    pre_width: int = 0  # percent of the takers of the test, for a CSS bar
    post_width: int = 0

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}" if self.high == 100 else f"{self.low}–<{self.high}"


@dataclass
class Summary:
    n: int  # rows (active enrolments in scope)
    n_pre: int  # who submitted the pre-test
    n_post: int
    n_both: int
    mean_pre: Decimal | None  # over everyone who submitted it
    mean_post: Decimal | None
    matched_mean_pre: Decimal | None  # over those who submitted both: what the class g uses
    matched_mean_post: Decimal | None
    class_gain: Decimal | None  # normalized_gain(matched mean pre, matched mean post)
    mean_gain: Decimal | None  # mean of the individual g that are defined
    n_gain: int  # how many individual g are defined
    n_undefined: int  # both taken, pre-test 100
    bins: list[ScoreBin] = field(default_factory=list)

    @property
    def class_category(self) -> str | None:
        return gain_category(self.class_gain)

    @property
    def class_category_label(self):
        if self.class_gain is None:
            return GAIN_CATEGORY_LABELS[None] if self.n_both else INCOMPLETE_LABEL
        return GAIN_CATEGORY_LABELS[self.class_category]

    @property
    def mean_category(self) -> str | None:
        return gain_category(self.mean_gain)

    @property
    def mean_category_label(self):
        return GAIN_CATEGORY_LABELS[self.mean_category] if self.mean_gain is not None else ""

    @property
    def means_differ(self) -> bool:
        """The class g's means are not the displayed means (someone took only one test)."""
        return not (self.n_pre == self.n_both == self.n_post)


@dataclass
class QuestionDifficulty:
    position: int
    code: str
    excerpt: str
    attempts: int  # submitted attempts of the quiz (in scope)
    answered: int
    correct: int

    @property
    def share(self) -> Decimal | None:
        """Share of submitted attempts answering correctly (unanswered counts as wrong)."""
        if not self.attempts:
            return None
        return _q(Decimal(self.correct) / self.attempts, CENT)

    @property
    def level(self) -> str | None:
        share = self.share
        if share is None:
            return None
        if share >= EASY_FROM:
            return "easy"
        if share < HARD_BELOW:
            return "hard"
        return "medium"

    @property
    def level_label(self):
        return DIFFICULTY_LABELS.get(self.level, "")


@dataclass
class QuizDifficulty:
    quiz: Quiz
    attempts: int
    questions: list[QuestionDifficulty]


@dataclass
class SpaceResults:
    space: LearningSpace
    rows: list[ResultRow]
    summary: Summary
    difficulty: list[QuizDifficulty] = field(default_factory=list)  # pre first, then post
    has_pre: bool = False
    has_post: bool = False


def summarize(rows: list[ResultRow]) -> Summary:
    pre = [r.pre for r in rows if r.pre is not None]
    post = [r.post for r in rows if r.post is not None]
    both = [r for r in rows if r.complete]
    gains = [r.gain for r in both if r.gain is not None]
    matched_pre, matched_post = _mean([r.pre for r in both]), _mean([r.post for r in both])
    mean_gain = _mean(gains)
    bins = [ScoreBin(low, high) for low, high in SCORE_BINS]
    for attr, scores in (("pre", pre), ("post", post)):
        for score in scores:
            index = min(int(score // 20), len(bins) - 1)
            setattr(bins[index], attr, getattr(bins[index], attr) + 1)
        for score_bin in bins:
            count = getattr(score_bin, attr)
            setattr(score_bin, f"{attr}_width", round(100 * count / len(scores)) if scores else 0)
    return Summary(
        n=len(rows),
        n_pre=len(pre),
        n_post=len(post),
        n_both=len(both),
        mean_pre=_q(_mean(pre), CENT) if pre else None,
        mean_post=_q(_mean(post), CENT) if post else None,
        matched_mean_pre=_q(matched_pre, CENT) if both else None,
        matched_mean_post=_q(matched_post, CENT) if both else None,
        # from the exact means, not the rounded ones
        class_gain=normalized_gain(matched_pre, matched_post) if both else None,
        mean_gain=_q(mean_gain, MILLI) if gains else None,
        n_gain=len(gains),
        n_undefined=sum(1 for r in both if r.gain_undefined),
        bins=bins,
    )


def _score(kind: str) -> Subquery:
    """The score of the enrolment's submitted attempt at the space's pre- or post-test."""
    return Subquery(
        Attempt.objects.filter(
            enrolment=OuterRef("pk"),
            quiz__space=OuterRef("space_id"),  # the model does not tie an attempt's quiz to its space
            quiz__kind=kind,
            submitted_at__isnull=False,
        )
        .order_by()  # one attempt per quiz; the default ordering would join four more tables
        .values("score")[:1]
    )


def _enrolments(employees: QuerySet[Employee] | None) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.filter(is_active=True)
    if employees is not None:
        enrolments = enrolments.filter(employee__in=employees.values("pk"))
    return enrolments


def _rows(enrolments: QuerySet[Enrolment]) -> list[tuple[Enrolment, ResultRow]]:
    enrolments = enrolments.select_related("employee__unit").annotate(
        pre_score=_score(QuizKind.PRE), post_score=_score(QuizKind.POST)
    )
    return [
        (
            e,
            ResultRow(
                enrolment_id=e.pk,
                employee_id=e.employee_id,
                nip=e.employee.nip,
                name=e.employee.name,
                unit_name=e.employee.unit.name,
                pre=e.pre_score,
                post=e.post_score,
            ),
        )
        for e in enrolments
    ]


def space_results(space: LearningSpace, employees: QuerySet[Employee] | None = None) -> SpaceResults:
    """The space's results; `employees` (a leader's scope) restricts the rows, and with them the
    summary and the difficulty. Four queries: the quizzes, the rows with their scores, the
    quizzes' questions, and the answers counted per question."""
    quizzes = {quiz.kind: quiz for quiz in Quiz.objects.filter(space=space).order_by()}
    enrolments = _enrolments(employees).filter(space=space)
    rows = [row for _enrolment, row in _rows(enrolments.order_by("employee__name", "employee__nip", "pk"))]
    result = SpaceResults(
        space=space,
        rows=rows,
        summary=summarize(rows),
        has_pre=QuizKind.PRE in quizzes,
        has_post=QuizKind.POST in quizzes,
    )
    if not quizzes or not rows:
        return result
    counts = {
        (c["attempt__quiz_id"], c["question_id"]): c
        for c in Answer.objects.filter(
            attempt__quiz__space=space, attempt__submitted_at__isnull=False, attempt__enrolment__in=enrolments
        )
        .values("attempt__quiz_id", "question_id")
        .annotate(answered=Count("pk"), correct=Count("pk", filter=Q(option__is_correct=True)))
        .order_by()
    }
    by_quiz: dict[int, list[QuizQuestion]] = defaultdict(list)
    for quiz_question in (
        QuizQuestion.objects.filter(quiz__space=space)
        .select_related("question")
        .only("quiz_id", "position", "question__code", "question__text")
        .order_by("quiz_id", "position")
    ):
        by_quiz[quiz_question.quiz_id].append(quiz_question)
    for kind, attr in ((QuizKind.PRE, "pre"), (QuizKind.POST, "post")):
        quiz = quizzes.get(kind)
        if quiz is None:
            continue
        attempts = sum(1 for row in rows if getattr(row, attr) is not None)
        questions = []
        for qq in by_quiz[quiz.pk]:
            c = counts.get((quiz.pk, qq.question_id), {})
            questions.append(
                QuestionDifficulty(
                    position=qq.position,
                    code=qq.question.code,
                    excerpt=Truncator(qq.question.text).chars(EXCERPT_CHARS),
                    attempts=attempts,
                    answered=c.get("answered", 0),
                    correct=c.get("correct", 0),
                )
            )
        result.difficulty.append(QuizDifficulty(quiz=quiz, attempts=attempts, questions=questions))
    return result


@dataclass
class SpaceGroup:
    space: LearningSpace
    rows: list[ResultRow]
    summary: Summary | None = None


def unit_results_years(user) -> list[int]:
    """Years (of the space's first day) in which the user's visible employees were enrolled,
    newest first. One query."""
    spaces = LearningSpace.objects.filter(
        enrolments__in=_enrolments(employees_visible_to(user)).values("pk")
    ).dates("starts_on", "year", order="DESC")
    return [day.year for day in spaces]


def unit_results(user, *, year: int | None = None) -> list[SpaceGroup]:
    """For HR (everyone) or a leader (their subtree): the rows of every space in which their
    employees are enrolled, grouped by space (newest space first), each group with its own
    summary over those rows. `year` keeps the spaces starting that year. One query."""
    enrolments = _enrolments(employees_visible_to(user))
    if year is not None:
        enrolments = enrolments.filter(space__starts_on__year=year)
    enrolments = enrolments.select_related("space").order_by(
        "-space__starts_on", "space__title", "space_id", "employee__name", "employee__nip", "pk"
    )
    groups: list[SpaceGroup] = []
    for enrolment, row in _rows(enrolments):
        if not groups or groups[-1].space.pk != enrolment.space_id:
            groups.append(SpaceGroup(space=enrolment.space, rows=[]))
        groups[-1].rows.append(row)
    for group in groups:
        group.summary = summarize(group.rows)
    return groups


def participant_result(enrolment: Enrolment, *, now: datetime.datetime | None = None) -> ResultRow:
    """A participant's own row, for their own pages: a score shows only once its test's window
    has closed (so nobody learns the answers' worth while others are still taking it). One
    query, plus the employee and unit unless already loaded."""
    now = now or timezone.now()
    scores = {
        kind: score
        for kind, score, closes_at in Attempt.objects.filter(
            enrolment=enrolment, submitted_at__isnull=False
        ).values_list("quiz__kind", "score", "quiz__closes_at")
        if closes_at <= now
    }
    employee = enrolment.employee
    return ResultRow(
        enrolment_id=enrolment.pk,
        employee_id=employee.pk,
        nip=employee.nip,
        name=employee.name,
        unit_name=employee.unit.name,
        pre=scores.get(QuizKind.PRE),
        post=scores.get(QuizKind.POST),
    )
