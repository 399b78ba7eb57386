from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_login import login_user, logout_user

from storefront import db
from storefront.auth import bp
from storefront.auth.forms import LoginForm
from storefront.rendering import render
from storefront.services.accounts import authenticate


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("public.landing")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(db.session(), form.email.data, form.password.data)
        if user:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("That e-mail and password don't match an account.")
        status = 422
    elif request.method == "POST":
        status = 422
    return render("auth/login.html", form=form, status=status)


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("public.landing"))
