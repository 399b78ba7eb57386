"""`role_required`: the server-side gate of every staff page; `home_for`: where each role
lands after signing in."""
from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

# A staff member lands on the page of their work; the first role in this order wins.
STAFF_HOMES = (
    ("admin", "staff.catalog_editor_page"),
    ("operations", "staff.operations_page"),
    ("support", "staff.support"),
    ("marketing", "staff.copy_index"),
)


def home_for(user) -> str:
    """The page `user` lands on after signing in: their staff page, or the landing page."""
    for role, endpoint in STAFF_HOMES:
        if user.has_role(role):
            return url_for(endpoint)
    return url_for("public.landing")


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
