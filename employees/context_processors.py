from .roles import ROLE_LABELS, roles_of


def roles(request):
    """The viewer's roles, for the navigation bar."""
    user_roles = roles_of(request.user) if hasattr(request, "user") else []
    return {"user_roles": user_roles, "role_labels": [ROLE_LABELS[r] for r in user_roles]}
