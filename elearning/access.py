"""Who may do what in a learning space. HR manages every space; a space's facilitators manage
theirs; an enrolled learner uses theirs. Everyone else gets 404 for a space's objects, so an
id typed into a URL reveals nothing."""

from django.http import Http404

from employees.roles import employee_of, is_hr

from .models import Enrolment, LearningSpace


def may_manage(user, space: LearningSpace) -> bool:
    if not user.is_authenticated:
        return False
    if is_hr(user):
        return True
    return space.facilitators.filter(pk=user.pk).exists()


def enrolment_of(user, space: LearningSpace) -> Enrolment | None:
    employee = employee_of(user)
    if employee is None:
        return None
    return (
        Enrolment.objects.select_related("employee", "group")
        .filter(space=space, employee=employee, is_active=True)
        .first()
    )


def space_access(user, space: LearningSpace) -> tuple[bool, Enrolment | None]:
    """(manages, enrolment); raises 404 when the user has neither."""
    manages = may_manage(user, space)
    enrolment = enrolment_of(user, space)
    if not manages and enrolment is None:
        raise Http404
    return manages, enrolment


def require_manager(user, space: LearningSpace) -> None:
    if not may_manage(user, space):
        raise Http404
