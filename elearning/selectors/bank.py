"""Reads of the question bank: the filtered list, one question with its options, and which
questions are already in use (a test with attempts, or an answer pointing at their options)."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import Answer, Option, Question, QuizQuestion


def question_list(
    *, competency=None, level: int | None = None, search: str = "", active: bool | None = None
) -> QuerySet[Question]:
    """The bank, filtered, with its competency joined and its option count annotated."""
    questions = Question.objects.select_related("competency").annotate(option_count=Count("options"))
    if competency is not None:
        questions = questions.filter(competency=competency)
    if level is not None:
        questions = questions.filter(level=level)
    search = (search or "").strip()
    if search:
        questions = questions.filter(Q(code__icontains=search) | Q(text__icontains=search))
    if active is not None:
        questions = questions.filter(is_active=active)
    return questions.order_by("competency__order", "competency__code", "code")


def question_with_options(pk: int) -> Question:
    """One question with its competency and its options in position order (Question.DoesNotExist
    when there is none)."""
    return (
        Question.objects.select_related("competency")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
        .get(pk=pk)
    )


def question_ids_in_use(question_ids: Iterable[int]) -> set[int]:
    """Those of the given questions that a started or submitted attempt depends on: an answer
    refers to one of their options, or they belong to a test somebody has started."""
    ids = list(question_ids)
    if not ids:
        return set()
    answered = Answer.objects.filter(question_id__in=ids).values_list("question_id", flat=True)
    in_started_test = QuizQuestion.objects.filter(
        question_id__in=ids, quiz__attempts__isnull=False
    ).values_list("question_id", flat=True)
    return set(answered) | set(in_started_test)


def question_in_use(question: Question) -> bool:
    return bool(question.pk) and question.pk in question_ids_in_use([question.pk])
