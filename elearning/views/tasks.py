"""Group-task pages under /belajar/.

Access: someone who neither manages a space (HR, its facilitators) nor is enrolled in it gets
404 for the space and everything in it. Inside a space they can see, a page or action their
role cannot use is 403 (a learner on the group page, a facilitator handing in work). A
submission's file is for its group's members and the space's managers; anyone else gets 404."""

import re
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access
from ..forms_tasks import (
    AutoGroupForm,
    EvaluationForm,
    GroupCreateForm,
    GroupMoveForm,
    SubmissionForm,
    TaskForm,
    criterion_formset,
    evaluation_initial,
)
from ..models import GroupTask, LearningSpace, Submission, TaskGroup
from ..selectors import tasks as selectors
from ..services import tasks as services


def _space(pk: int) -> LearningSpace:
    return get_object_or_404(LearningSpace, pk=pk)


def _task(pk: int) -> GroupTask:
    try:
        return selectors.task_get(pk)
    except GroupTask.DoesNotExist:
        raise Http404 from None


def _manager_of(user, space: LearningSpace) -> None:
    """404 for a space the user cannot see at all, 403 for a learner of it."""
    manages, _enrolment = access.space_access(user, space)
    if not manages:
        raise PermissionDenied


def _add_errors(form, exc: ValidationError) -> None:
    form.add_error(None, exc.messages)


def _safe_filename(name: str, fallback: str) -> str:
    """The original name without any folder, quotes or control characters."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    name = re.sub(r'[\x00-\x1f\x7f"<>:|?*]', "", name).strip(" .")
    return name[:150] or fallback


# --- the task list ------------------------------------------------------------------------------


@login_required
def task_list(request, space_pk):
    space = _space(space_pk)
    manages, enrolment = access.space_access(request.user, space)
    context = {"space": space, "manages": manages, "now": timezone.now()}
    if manages:
        context["board"] = selectors.tasks_with_progress(space)
    else:
        context["rows"] = selectors.learner_tasks(enrolment)
        context["group"] = selectors.learner_group(enrolment)
        context["no_group_message"] = services.MSG_NO_GROUP
    return render(request, "elearning/tasks/task_list.html", context)


# --- creating and changing a task -----------------------------------------------------------------


def _task_form_page(request, space: LearningSpace, task: GroupTask | None):
    if task is None:
        initial = {}
    else:
        initial = {
            "kind": task.kind,
            "title": task.title,
            "instructions": task.instructions,
            "due_at": timezone.localtime(task.due_at),
        }
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, initial=initial)
    criteria = criterion_formset(data, task=task)
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        try:
            task = services.task_save(
                space=space,
                task=task,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                instructions=form.cleaned_data["instructions"],
                due_at=form.cleaned_data["due_at"],
                criteria=criteria.criteria(),
                user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Tugas %(title)s disimpan.") % {"title": task.title})
            return redirect("task_detail", pk=task.pk)
    invalid = request.method == "POST"  # reaching here after a POST means something was refused
    return render(
        request,
        "elearning/tasks/task_form.html",
        {
            "space": space,
            "task": task,
            "form": form,
            "criteria": criteria,
            "criteria_locked": task is not None and selectors.task_is_scored(task),
        },
        status=400 if invalid else 200,
    )


@login_required
def task_create(request, space_pk):
    space = _space(space_pk)
    _manager_of(request.user, space)
    return _task_form_page(request, space, None)


@login_required
def task_edit(request, pk):
    task = _task(pk)
    _manager_of(request.user, task.space)
    return _task_form_page(request, task.space, task)


# --- one task: hand in (learners), score (managers) ---------------------------------------------


def _manager_detail(request, task: GroupTask, *, bound: tuple[int, EvaluationForm] | None = None):
    progress = selectors.task_groups_work(task)
    criteria = list(task.criteria.all())
    rows = []
    for work in progress.groups:
        if bound is not None and bound[0] == work.group.pk:
            form = bound[1]
        else:
            form = EvaluationForm(
                initial=evaluation_initial(work), criteria=criteria, prefix=f"g{work.group.pk}"
            )
        rows.append((work, form))
    return render(
        request,
        "elearning/tasks/task_detail.html",
        {
            "task": task,
            "space": task.space,
            "manages": True,
            "progress": progress,
            "rows": rows,
            "criteria": criteria,
            "now": timezone.now(),
        },
        status=400 if bound is not None else 200,
    )


@login_required
def task_detail(request, pk):
    task = _task(pk)
    manages, enrolment = access.space_access(request.user, task.space)
    if request.method == "POST":
        if enrolment is None:  # a manager of the space, but not one of its learners
            raise PermissionDenied
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.submission_save(
                    task=task,
                    enrolment=enrolment,
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                    keep_file=form.cleaned_data["keep_file"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Tugas kelompok Anda sudah dikumpulkan."))
                return redirect("task_detail", pk=task.pk)
    elif manages:
        return _manager_detail(request, task)
    work = selectors.learner_task(task, enrolment)
    if request.method != "POST":
        form = SubmissionForm(initial={"text": work.submission.text if work.submission else ""})
    return render(
        request,
        "elearning/tasks/task_detail.html",
        {
            "task": task,
            "space": task.space,
            "manages": False,
            "work": work,
            "group": selectors.learner_group(enrolment),
            "form": form,
            "open": timezone.now() < task.due_at,
            "no_group_message": services.MSG_NO_GROUP,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def task_evaluate(request, pk, group_pk):
    task = _task(pk)
    _manager_of(request.user, task.space)
    group = get_object_or_404(TaskGroup, pk=group_pk, space=task.space)
    form = EvaluationForm(request.POST, criteria=task.criteria.all(), prefix=f"g{group.pk}")
    if form.is_valid():
        try:
            services.evaluation_save(
                task=task,
                group=group,
                points=form.points(),
                feedback=form.cleaned_data["feedback"],
                user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Nilai %(group)s disimpan.") % {"group": group.name})
            return redirect(reverse("task_detail", args=[task.pk]) + f"#kelompok-{group.pk}")
    return _manager_detail(request, task, bound=(group.pk, form))


# --- groups ---------------------------------------------------------------------------------------


@login_required
def group_manage(request, space_pk):
    space = _space(space_pk)
    _manager_of(request.user, space)
    action = request.POST.get("action") if request.method == "POST" else None
    auto_form = AutoGroupForm(request.POST if action == "auto" else None)
    create_form = GroupCreateForm(request.POST if action == "create" else None)
    move_form = GroupMoveForm(request.POST if action == "move" else None, space=space)
    bound = {"auto": auto_form, "create": create_form, "move": move_form}.get(action)
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if action == "auto":
                groups = services.groups_form_automatically(
                    space=space, group_count=data["group_count"], user=request.user
                )
                done = _("Peserta dibagi ke %(count)s kelompok dengan unit kerja yang berbaur.") % {
                    "count": len(groups)
                }
            elif action == "create":
                group = services.group_create(space=space, name=data["name"])
                done = _("Kelompok %(name)s dibuat.") % {"name": group.name}
            else:
                enrolment = services.group_assign(enrolment=data["enrolment"], group=data["group"])
                done = _("%(name)s dipindahkan ke %(group)s.") % {
                    "name": enrolment.employee.name,
                    "group": enrolment.group.name if enrolment.group else _("tanpa kelompok"),
                }
        except ValidationError as exc:
            _add_errors(bound, exc)
        else:
            messages.success(request, done)
            return redirect("group_manage", space_pk=space.pk)
    elif action is not None and bound is None:
        messages.error(request, _("Tindakan tidak dikenal."))
    return render(
        request,
        "elearning/tasks/group_manage.html",
        {
            "space": space,
            "board": selectors.group_board(space),
            "locked": services.grouping_locked(space=space),
            "locked_message": services.MSG_GROUPING_LOCKED,
            "auto_form": auto_form,
            "create_form": create_form,
            "move_form": move_form,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- the file of a submission ---------------------------------------------------------------------


@login_required
def submission_download(request, pk):
    try:
        submission = selectors.submission_get(pk)
    except Submission.DoesNotExist:
        raise Http404 from None
    space = submission.task.space
    if not access.may_manage(request.user, space):
        enrolment = access.enrolment_of(request.user, space)
        if enrolment is None or enrolment.group_id != submission.group_id:
            raise Http404
    if not submission.file:
        raise Http404
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    fallback = f"pengumpulan-{submission.pk}.{submission.file_type or 'bin'}"
    return FileResponse(
        handle, as_attachment=True, filename=_safe_filename(submission.original_name, fallback)
    )


urlpatterns = [
    path("belajar/ruang/<int:space_pk>/tugas/", task_list, name="task_list"),
    path("belajar/ruang/<int:space_pk>/tugas/baru/", task_create, name="task_create"),
    path("belajar/ruang/<int:space_pk>/kelompok/", group_manage, name="group_manage"),
    path("belajar/tugas/<int:pk>/", task_detail, name="task_detail"),
    path("belajar/tugas/<int:pk>/ubah/", task_edit, name="task_edit"),
    path("belajar/tugas/<int:pk>/kelompok/<int:group_pk>/nilai/", task_evaluate, name="task_evaluate"),
    path("belajar/pengumpulan/<int:pk>/unduh/", submission_download, name="submission_download"),
]
