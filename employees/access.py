"""View guards. Anonymous users go to the login page; a signed-in user without the role
gets 403. Object-level scope is never decided here but by the selectors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .roles import employee_of, is_facilitator, is_hr, is_leader


def _role_required(check):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


hr_required = _role_required(is_hr)
leader_required = _role_required(is_leader)
hr_or_leader_required = _role_required(lambda user: is_hr(user) or is_leader(user))
employee_required = _role_required(lambda user: employee_of(user) is not None)
facilitator_required = _role_required(is_facilitator)
