"""The question bank pages, for HR and facilitators: the filtered list, a new question, and a
question's edit form. Everyone else signed in gets 403; anonymous users go to the login page."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from assessments.models import PEREKAT_BANGSA
from employees.roles import is_facilitator, is_hr

from ..forms_bank import QuestionFilterForm, QuestionForm
from ..models import Question
from ..selectors.bank import question_in_use, question_list, question_with_options
from ..services.bank import question_save

QUESTIONS_PER_PAGE = 25
RUN_IMPORTS = "employees.run_imports"


def bank_editor_required(view):
    """HR and facilitators write the bank."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (is_hr(request.user) or is_facilitator(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@bank_editor_required
def question_list_view(request):
    data = request.GET.copy()
    data.setdefault("competency", PEREKAT_BANGSA)
    form = QuestionFilterForm(data)
    page = Paginator(question_list(**form.filters()), QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "elearning/bank/question_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "can_import": request.user.has_perm(RUN_IMPORTS),
        },
    )


@bank_editor_required
def question_create(request):
    initial = {"competency": request.GET.get("competency") or PEREKAT_BANGSA, "is_active": True}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_save(**form.service_arguments(), user=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Soal %(code)s ditambahkan ke bank soal.") % {"code": question.code})
            return redirect(_list_url(question))
    return _render_form(request, form, question=None, in_use=False)


@bank_editor_required
def question_edit(request, pk):
    try:
        question = question_with_options(pk)
    except Question.DoesNotExist:
        raise Http404 from None
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            question = question_save(question=question, **form.service_arguments(), user=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Soal %(code)s tersimpan.") % {"code": question.code})
            return redirect(_list_url(question))
    return _render_form(request, form, question=question, in_use=question_in_use(question))


def _render_form(request, form, *, question, in_use):
    return render(
        request,
        "elearning/bank/question_form.html",
        {"form": form, "question": question, "in_use": in_use},
        status=400 if form.errors else 200,
    )


def _list_url(question: Question) -> str:
    return f"{reverse('question_list')}?{urlencode({'competency': question.competency.code})}"


urlpatterns = [
    path("bank-soal/", question_list_view, name="question_list"),
    path("bank-soal/baru/", question_create, name="question_create"),
    path("bank-soal/<int:pk>/", question_edit, name="question_edit"),
]
