"""Taking a test. Every choice is posted by htmx the moment it is made and stored at once; the
page shows "saved" or "not saved, retrying" per question. Only the attempt's own learner can
read or write it: anyone else gets 404, whatever id they type."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..access import enrolment_of
from ..models import Attempt, FinishedBy, Quiz
from ..selectors.spaces import attempt_of, attempt_questions
from ..services import quizzes as quiz_services

MSG_SIGNED_OUT = _("Sesi Anda berakhir. Masuk lagi: jawaban yang belum tersimpan tetap ada di perangkat ini.")


@require_POST
@login_required
def quiz_start(request, pk):
    quiz = get_object_or_404(Quiz.objects.select_related("space"), pk=pk)
    enrolment = enrolment_of(request.user, quiz.space)
    if enrolment is None:
        raise Http404
    try:
        attempt = quiz_services.attempt_start(quiz=quiz, enrolment=enrolment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("space_detail", quiz.space_id)
    return redirect("attempt_take", attempt.pk)


@login_required
def attempt_take(request, pk):
    attempt = attempt_of(request.user, pk)
    if attempt is None:
        raise Http404
    attempt = quiz_services.attempt_finalize_if_overdue(attempt=attempt)
    if attempt.is_submitted:
        return redirect("attempt_result", attempt.pk)
    questions = attempt_questions(attempt)
    remaining = max(int((attempt.deadline_at - timezone.now()).total_seconds()), 0)
    return render(
        request,
        "elearning/attempt_take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "answered": sum(1 for q in questions if q["chosen"]),
            "remaining": remaining,
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


MAX_SEQ = 2**63 - 1  # the column is a BIGINT


@require_POST
def answer_save(request, pk):
    """200 {"saved": option id} once stored; 409 when the attempt no longer takes answers
    (the page then shows why and goes to the result); 400 for a malformed request; 401 when
    the session ended (the page keeps the answer on the device and asks to sign in again,
    instead of following a redirect to the login page)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": str(MSG_SIGNED_OUT)}, status=401)
    question_id, option_id = _int(request.POST.get("question")), _int(request.POST.get("option"))
    client_seq = _int(request.POST.get("seq")) or 0
    if question_id is None or option_id is None:
        return JsonResponse({"error": "question and option are required"}, status=400)
    if not 0 <= client_seq <= MAX_SEQ:
        return JsonResponse({"error": "seq out of range"}, status=400)
    try:
        stored = quiz_services.answer_save(
            attempt_id=pk,
            user=request.user,
            question_id=question_id,
            option_id=option_id,
            client_seq=client_seq,
        )
    except Attempt.DoesNotExist as exc:
        raise Http404 from exc
    except quiz_services.AttemptClosed as exc:
        return JsonResponse({"error": str(exc.message)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"saved": stored, "question": question_id, "seq": client_seq})


@require_POST
@login_required
def attempt_submit(request, pk):
    attempt = attempt_of(request.user, pk)
    if attempt is None:
        raise Http404
    quiz_services.attempt_submit(attempt=attempt, finished_by=FinishedBy.PARTICIPANT)
    return redirect("attempt_result", attempt.pk)


@login_required
def attempt_result(request, pk):
    attempt = attempt_of(request.user, pk)
    if attempt is None:
        raise Http404
    attempt = quiz_services.attempt_finalize_if_overdue(attempt=attempt)
    if not attempt.is_submitted:
        return redirect("attempt_take", attempt.pk)
    now = timezone.now()
    scores_visible = attempt.quiz.closes_at <= now
    return render(
        request,
        "elearning/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "scores_visible": scores_visible,
            "questions": attempt_questions(attempt) if scores_visible else [],
            "answered": attempt.answers.count(),
        },
    )


urlpatterns = [
    path("belajar/tes/<int:pk>/mulai/", quiz_start, name="quiz_start"),
    path("belajar/pengerjaan/<int:pk>/", attempt_take, name="attempt_take"),
    path("belajar/pengerjaan/<int:pk>/jawab/", answer_save, name="answer_save"),
    path("belajar/pengerjaan/<int:pk>/kumpulkan/", attempt_submit, name="attempt_submit"),
    path("belajar/pengerjaan/<int:pk>/hasil/", attempt_result, name="attempt_result"),
]
