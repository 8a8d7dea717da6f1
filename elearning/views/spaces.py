"""The learner's and the manager's pages of a learning space."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from employees.roles import is_hr

from ..access import require_manager, space_access
from ..forms import MaterialForm, QuizPrepareForm, QuizWindowForm
from ..models import LearningSpace, Quiz
from ..scoring import gain_label, normalized_gain
from ..selectors.spaces import space_materials, space_quizzes, spaces_learning, spaces_managed
from ..services import quizzes as quiz_services


@login_required
def learning_home(request):
    return render(
        request,
        "elearning/learning_home.html",
        {"enrolments": spaces_learning(request.user), "managed": spaces_managed(request.user)},
    )


def _my_gain(quizzes, now):
    """The learner's pre, post and gain, once both windows closed and both were submitted."""
    scores = {}
    for quiz in quizzes:
        attempt = quiz.my_attempt
        if attempt is None or attempt.score is None or quiz.closes_at > now:
            return None
        scores[quiz.kind] = attempt.score
    if set(scores) != {Quiz.Kind.PRE, Quiz.Kind.POST}:
        return None
    gain = normalized_gain(scores[Quiz.Kind.PRE], scores[Quiz.Kind.POST])
    return {
        "pre": scores[Quiz.Kind.PRE],
        "post": scores[Quiz.Kind.POST],
        "difference": scores[Quiz.Kind.POST] - scores[Quiz.Kind.PRE],
        "gain": gain,
        "label": gain_label(gain),
    }


@login_required
def space_detail(request, pk):
    space = get_object_or_404(LearningSpace.objects.select_related("course"), pk=pk)
    manages, enrolment = space_access(request.user, space)
    now = timezone.now()
    quizzes = space_quizzes(space, enrolment)
    context = {
        "space": space,
        "manages": manages,
        "enrolment": enrolment,
        "materials": space_materials(space),
        "quizzes": quizzes,
        "now": now,
        "my_gain": _my_gain(quizzes, now) if enrolment else None,
    }
    if manages:
        context.update(
            material_form=MaterialForm(),
            prepare_form=QuizPrepareForm(),
            window_forms=[(quiz, QuizWindowForm(instance=quiz, prefix=f"q{quiz.pk}")) for quiz in quizzes],
            is_hr=is_hr(request.user),
        )
    return render(request, "elearning/space_detail.html", context)


@require_POST
@login_required
def quizzes_prepare(request, pk):
    space = get_object_or_404(LearningSpace, pk=pk)
    require_manager(request.user, space)
    form = QuizPrepareForm(request.POST)
    if form.is_valid():
        try:
            quiz_services.quizzes_prepare(space=space, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Pre-test dan post-test sudah disiapkan dari bank soal."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return redirect("space_detail", space.pk)


@require_POST
@login_required
def quiz_window(request, pk):
    quiz = get_object_or_404(Quiz.objects.select_related("space"), pk=pk)
    require_manager(request.user, quiz.space)
    form = QuizWindowForm(request.POST, instance=Quiz.objects.get(pk=quiz.pk), prefix=f"q{quiz.pk}")
    if form.is_valid():
        try:
            quiz_services.quiz_update(quiz=quiz, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Jadwal %(quiz)s disimpan.") % {"quiz": quiz.get_kind_display()})
    else:
        for field, errors in form.errors.items():
            messages.error(
                request, f"{quiz.get_kind_display()} – {form.fields[field].label}: {' '.join(errors)}"
            )
    return redirect("space_detail", quiz.space_id)


@require_POST
@login_required
def quiz_close(request, pk):
    quiz = get_object_or_404(Quiz.objects.select_related("space"), pk=pk)
    require_manager(request.user, quiz.space)
    quiz_services.quiz_close_now(quiz=quiz)
    messages.success(
        request,
        _(
            "%(quiz)s ditutup: nilai kini terlihat oleh peserta; pengerjaan yang masih terbuka sudah dikumpulkan."
        )
        % {"quiz": quiz.get_kind_display()},
    )
    return redirect("space_detail", quiz.space_id)


urlpatterns = [
    path("belajar/", learning_home, name="learning_home"),
    path("belajar/ruang/<int:pk>/", space_detail, name="space_detail"),
    path("belajar/ruang/<int:pk>/tes/siapkan/", quizzes_prepare, name="quizzes_prepare"),
    path("belajar/tes/<int:pk>/jadwal/", quiz_window, name="quiz_window"),
    path("belajar/tes/<int:pk>/tutup/", quiz_close, name="quiz_close"),
]
