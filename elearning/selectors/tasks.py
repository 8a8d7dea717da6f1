"""Reads for group tasks: the facilitator's board (every task × every group: handed in? scored,
with what total?), one task's groups with their work and scores, and a learner's own view (their
group, its members, its submissions and the facilitator's scores and feedback).

Every function costs a fixed number of queries whatever the number of tasks, groups or members."""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum

from ..models import CriterionScore, Enrolment, Evaluation, GroupTask, LearningSpace, Submission, TaskGroup


def _natural(name: str):
    """ "Kelompok 2" before "Kelompok 10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


@dataclass
class GroupWork:
    """One group's state for one task."""

    group: TaskGroup
    submission: Submission | None = None
    evaluation: Evaluation | None = None  # with .total (sum of its points) and .scores prefetched

    @property
    def points(self) -> dict[int, int]:
        if self.evaluation is None:
            return {}
        return {score.criterion_id: score.points for score in self.evaluation.scores.all()}


@dataclass
class TaskProgress:
    task: GroupTask  # with .criteria prefetched
    groups: list[GroupWork] = field(default_factory=list)

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.task.criteria.all())

    @property
    def submitted_count(self) -> int:
        return sum(1 for g in self.groups if g.submission is not None)

    @property
    def scored_count(self) -> int:
        return sum(1 for g in self.groups if g.evaluation is not None)


def _members():
    return Prefetch(
        "members",
        queryset=Enrolment.objects.filter(is_active=True)
        .select_related("employee__unit")
        .order_by("employee__name", "pk"),
    )


def _evaluations(**filters):
    return (
        Evaluation.objects.filter(**filters)
        .annotate(total=Sum("scores__points"))
        .select_related("scored_by")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion__pk"
                ),
            )
        )
    )


def space_groups(space: LearningSpace, *, with_members: bool = True) -> list[TaskGroup]:
    """The space's groups in natural order ("Kelompok 2" before "Kelompok 10"), each with its
    active members (and their units) when asked."""
    groups = TaskGroup.objects.filter(space=space).order_by("name")  # not Meta's ("space", ...): no join
    if with_members:
        groups = groups.prefetch_related(_members())
    return sorted(groups, key=lambda g: _natural(g.name))


def tasks_with_progress(space: LearningSpace) -> list[TaskProgress]:
    """The manager's list: every task of the space with each group's submission and evaluation
    total. Queries: groups, tasks, their criteria, submissions, evaluations (with totals)."""
    groups = space_groups(space, with_members=False)
    tasks = GroupTask.objects.filter(space=space).prefetch_related(
        "criteria",
        Prefetch("submissions", queryset=Submission.objects.select_related("submitted_by")),
        Prefetch("evaluations", queryset=Evaluation.objects.annotate(total=Sum("scores__points"))),
    )
    board = []
    for task in tasks:
        submitted = {s.group_id: s for s in task.submissions.all()}
        scored = {e.group_id: e for e in task.evaluations.all()}
        board.append(
            TaskProgress(task, [GroupWork(g, submitted.get(g.pk), scored.get(g.pk)) for g in groups])
        )
    return board


def task_groups_work(task: GroupTask) -> TaskProgress:
    """One task (from task_get, criteria prefetched) for its manager: every group of the space
    with its members, its submission and its evaluation (total and per-criterion points).
    Queries: groups, members, submissions, evaluations, their scores."""
    groups = space_groups(task.space)
    submitted = {s.group_id: s for s in Submission.objects.filter(task=task).select_related("submitted_by")}
    scored = {e.group_id: e for e in _evaluations(task=task)}
    return TaskProgress(task, [GroupWork(g, submitted.get(g.pk), scored.get(g.pk)) for g in groups])


def learner_group(enrolment: Enrolment) -> TaskGroup | None:
    """The learner's group with its active members, or None."""
    if enrolment.group_id is None:
        return None
    return TaskGroup.objects.prefetch_related(_members()).get(pk=enrolment.group_id)


@dataclass
class LearnerTask:
    task: GroupTask
    group: TaskGroup | None
    submission: Submission | None = None
    evaluation: Evaluation | None = None

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.task.criteria.all())


def learner_tasks(enrolment: Enrolment) -> list[LearnerTask]:
    """The learner's list: every task of their space with their own group's submission and
    evaluation (never another group's). Queries: tasks, criteria, the group's submissions, its
    evaluations (with totals), their scores."""
    group_id = enrolment.group_id
    tasks = GroupTask.objects.filter(space_id=enrolment.space_id).prefetch_related(
        "criteria",
        Prefetch(
            "submissions",
            queryset=Submission.objects.filter(group_id=group_id).select_related("submitted_by"),
            to_attr="group_submissions",
        ),
        Prefetch("evaluations", queryset=_evaluations(group_id=group_id), to_attr="group_evaluations"),
    )
    rows = []
    for task in tasks:
        row = LearnerTask(task, enrolment.group)
        row.submission = task.group_submissions[0] if task.group_submissions else None
        row.evaluation = task.group_evaluations[0] if task.group_evaluations else None
        rows.append(row)
    return rows


def learner_task(task: GroupTask, enrolment: Enrolment) -> LearnerTask:
    """One task for a learner: their group's submission and evaluation with its scores."""
    row = LearnerTask(task, enrolment.group)
    if enrolment.group_id is not None:
        row.submission = (
            Submission.objects.filter(task=task, group_id=enrolment.group_id)
            .select_related("submitted_by")
            .first()
        )
        row.evaluation = _evaluations(task=task, group_id=enrolment.group_id).first()
    return row


def task_get(pk: int) -> GroupTask:
    """Raises GroupTask.DoesNotExist."""
    return GroupTask.objects.select_related("space").prefetch_related("criteria").get(pk=pk)


def task_is_scored(task: GroupTask) -> bool:
    """Once any group is scored, the task's rubric is frozen."""
    return task.evaluations.exists()


def submission_get(pk: int) -> Submission:
    """Raises Submission.DoesNotExist."""
    return Submission.objects.select_related("task__space", "group").get(pk=pk)


@dataclass
class GroupBoard:
    groups: list[TaskGroup]  # with active members
    ungrouped: list[Enrolment]
    learners: list[Enrolment]  # every active learner, by name, for the move form


def group_board(space: LearningSpace) -> GroupBoard:
    """The group page: groups with members, learners in no group, everyone for the move form.
    Queries: groups, their members, all active learners."""
    groups = space_groups(space)
    learners = list(
        Enrolment.objects.filter(space=space, is_active=True)
        .select_related("employee__unit", "group")
        .order_by("employee__name", "pk")
    )
    return GroupBoard(groups, [e for e in learners if e.group_id is None], learners)
