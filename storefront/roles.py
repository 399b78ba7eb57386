"""`role_required`: the server-side gate of every staff page."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Anonymous visitors are sent to sign in; signed-in users without one of `roles` get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator
