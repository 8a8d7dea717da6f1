"""Reads for the space pages: which spaces a user sees, a space's materials and tests, and a
learner's attempts."""

from django.db.models import Count, Prefetch, Q, QuerySet

from employees.roles import employee_of, is_hr

from ..models import Attempt, Enrolment, LearningSpace, Material, Quiz


def spaces_learning(user) -> QuerySet[Enrolment]:
    """The learner's active enrolments, newest class first."""
    employee = employee_of(user)
    if employee is None:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(employee=employee, is_active=True)
        .select_related("space__course")
        .order_by("-space__starts_on", "space__title")
    )


def spaces_managed(user) -> QuerySet[LearningSpace]:
    """Every space for HR; a facilitator's own spaces."""
    spaces = LearningSpace.objects.select_related("course").annotate(
        learners=Count("enrolments", filter=Q(enrolments__is_active=True), distinct=True)
    )
    if is_hr(user):
        return spaces.order_by("-starts_on", "title")
    return spaces.filter(facilitators=user).order_by("-starts_on", "title")


def space_materials(space: LearningSpace) -> QuerySet[Material]:
    """The programme's shared materials first, then the class's own."""
    return (
        Material.objects.filter(Q(course_id=space.course_id) | Q(space=space))
        .annotate(download_count=Count("downloads"))
        .order_by("space_id", "created_at", "pk")
    )


def space_quizzes(space: LearningSpace, enrolment: Enrolment | None = None) -> list[Quiz]:
    """The space's tests (pre first), with their question count and, for a learner, their
    own attempt as `my_attempt`."""
    quizzes = (
        Quiz.objects.filter(space=space).annotate(question_count=Count("quiz_questions")).order_by("kind")
    )
    if enrolment is not None:
        quizzes = quizzes.prefetch_related(
            Prefetch("attempts", queryset=Attempt.objects.filter(enrolment=enrolment), to_attr="mine")
        )
    quizzes = sorted(quizzes, key=lambda q: q.kind != Quiz.Kind.PRE)
    for quiz in quizzes:
        quiz.my_attempt = quiz.mine[0] if enrolment is not None and quiz.mine else None
    return quizzes


def material_for(user, pk: int) -> Material | None:
    """The material if this user may have it: a learner enrolled (now or before the class
    ended) in its space or in any space of its course, a facilitator of such a space, or HR."""
    material = Material.objects.select_related("space", "course").filter(pk=pk).first()
    if material is None:
        return None
    if is_hr(user):
        return material
    spaces = (
        LearningSpace.objects.filter(pk=material.space_id)
        if material.space_id
        else LearningSpace.objects.filter(course_id=material.course_id)
    )
    if spaces.filter(facilitators=user).exists():
        return material
    employee = employee_of(user)
    if (
        employee is not None
        and spaces.filter(enrolments__employee=employee, enrolments__is_active=True).exists()
    ):
        return material
    return None


def attempt_of(user, pk: int) -> Attempt | None:
    """The user's own attempt; anyone else's is None (the view answers 404)."""
    return (
        Attempt.objects.select_related("quiz__space", "enrolment__employee")
        .filter(pk=pk, enrolment__employee__user=user, enrolment__is_active=True)
        .first()
    )


def attempt_questions(attempt: Attempt) -> list[dict]:
    """The attempt's questions in its stored order, each with its options in their stored
    order and the option saved so far."""
    from ..models import Answer, Option, Question

    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_order)}
    options = {o.pk: o for o in Option.objects.filter(question_id__in=attempt.question_order)}
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "option_id"))
    shown = []
    for number, question_id in enumerate(attempt.question_order, start=1):
        question = questions[question_id]
        shown.append(
            {
                "number": number,
                "question": question,
                "options": [
                    options[o] for o in attempt.option_order.get(str(question_id), []) if o in options
                ],
                "chosen": saved.get(question_id),
            }
        )
    return shown
