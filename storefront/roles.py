"""`role_required`: the server-side gate of every staff page."""
from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Anonymous visitors are sent to sign in; signed-in users without one of `roles` get 403;
    staff without two-factor sign-in are sent to set it up (account security page)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            if not current_user.totp_secret:
                # Staff powers need two-factor sign-in: set it up first.
                flash("Staff accounts need two-factor sign-in. Please set it up to continue.")
                return redirect(url_for("account.security"))
            return view(*args, **kwargs)

        return guarded

    return decorator
