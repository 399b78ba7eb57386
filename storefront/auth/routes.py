from flask import current_app, flash, redirect, request, url_for
from flask import session as browser_session
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

import secrets

from storefront import db
from storefront.db import transaction
from storefront.services import outbox, two_factor
from storefront.auth import bp
from storefront.auth.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from storefront.forms import CodeForm
from storefront.auth.login_manager import load_user
from storefront.limits import LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS, limiter, submitted_email
from storefront.redirects import local_path
from storefront.rendering import render
from storefront.services import notifications
from storefront.roles import home_for
from storefront.urls import external_url
from storefront.services.accounts import (
    AccountError,
    active_user_by_email,
    authenticate,
    end_every_session,
    password_reset_token,
    set_password,
    sign_up,
    user_for_reset_token,
    verify_email,
)


def _safe_next(target: str | None, user=None) -> str:
    return local_path(target) or (home_for(user) if user is not None else url_for("public.landing"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
@limiter.limit(LOGIN_PER_ACCOUNT, methods=["POST"], key_func=submitted_email)
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(db.session(), form.email.data, form.password.data)
        if user and user.totp_secret:
            # The password was right; the second factor comes next, on its own page.
            browser_session["two_factor"] = {"user": user.get_id(), "next": local_path(request.args.get("next"))}
            return redirect(url_for("auth.login_code"))
        if user:
            login_user(user)
            return redirect(_safe_next(request.args.get("next"), user))
        form.form_errors.append("That e-mail and password don't match an account.")
        status = 422
    elif request.method == "POST":
        status = 422
    return render("auth/login.html", form=form, status=status)


def _pending_account() -> str:
    pending = browser_session.get("two_factor") or {}
    return f"code:{get_remote_address()}:{pending.get('user', '')}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
@limiter.limit(LOGIN_PER_ACCOUNT, methods=["POST"], key_func=_pending_account)
def login_code():
    """The second step of signing in with two-factor sign-in on: a code from the app."""
    pending = browser_session.get("two_factor") or {}
    user = load_user(str(pending.get("user", "")))
    if user is None or not user.totp_secret or not user.is_active:
        browser_session.pop("two_factor", None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if two_factor.check(db.session(), user, form.code.data):
            browser_session.pop("two_factor", None)
            login_user(user)
            return redirect(_safe_next(pending.get("next"), user))
        form.code.errors.append("That code doesn't match. Type the 6 digits your app shows now, "
                                "or one of your recovery codes.")
        status = 422
    elif request.method == "POST":
        status = 422
    return render("auth/login_code.html", form=form, status=status)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
def signup():
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        session = db.session()
        next_path = local_path(request.args.get("next"))
        try:
            user, new = sign_up(session, form.email.data, form.password.data)
        except AccountError as error:
            getattr(form, error.field or "email").errors.append(error.message)
            status = 422
        else:
            # The same answer whether the address is new or has an account: what differs goes
            # by e-mail, to the address's owner, after the answer has gone out.
            if new or user.email_verified_at is None:
                notifications.send_verification(session, user, next_path=next_path, signed_up_again=not new)
            else:
                notifications.tell_owner_of_sign_up(session, user)
            outbox.deliver_after_response()
            return render("auth/signup_sent.html", email=user.email,
                          days=max(1, current_app.config["EMAIL_VERIFY_MAX_AGE"] // 86400))
    elif request.method == "POST":
        status = 422
    return render("auth/signup.html", form=form, status=status)


@bp.get("/verify-email/<token>")
def verify_email_link(token: str):
    config = current_app.config
    try:
        user, newly = verify_email(db.session(), config["SECRET_KEY"], token, config["EMAIL_VERIFY_MAX_AGE"])
    except AccountError as error:
        return render("errors/generic.html", status=400, heading="This link doesn't work",
                      message=error.message, link=url_for("account.billing_history"), link_text="Billing")
    if current_user.is_authenticated and current_user.id == user.id:
        flash(f"Thank you: {user.email} is confirmed. You can pay now.")
        return redirect(_safe_next(request.args.get("next"), user))
    if newly and user.is_active and not user.totp_secret:
        # The link's first use signs in: only the address's owner could open it (a later use,
        # e.g. from the mail archive, only confirms and asks for the password).
        login_user(user)
        flash(f"Welcome! {user.email} is confirmed and you are signed in.")
        return redirect(_safe_next(request.args.get("next"), user))
    flash(f"Thank you: {user.email} is confirmed. Sign in to go on.")
    return redirect(url_for("auth.login", next=local_path(request.args.get("next"))))


@bp.post("/logout")
def logout():
    # A copy of this session's cookie must stop working too: with cookie sessions that
    # means ending every session of the account (the session version goes up).
    if current_user.is_authenticated:
        end_every_session(db.session(), current_user._get_current_object())
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("public.landing"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])
@limiter.limit(LOGIN_PER_ACCOUNT, methods=["POST"], key_func=submitted_email)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = active_user_by_email(db.session(), form.email.data)
        if user is not None:
            token = password_reset_token(current_app.config["SECRET_KEY"], user)
            link = external_url("auth.reset_password", token=token)
            minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
            # Queued, sent by `jobs run`: the answer takes as long whether the address has an
            # account or not, and a slow mail server never holds the request.
            with transaction(db.session()):
                outbox.queue_email(
                    db.session(), user.email, "Choose a new password",
                    f"Hello,\n\nsomeone (we hope you) asked to reset the password of your account.\n"
                    f"Choose a new one here within {minutes} minutes:\n\n{link}\n\n"
                    "If it wasn't you, ignore this e-mail: your password stays as it is.\n",
                    key=f"password-reset:{user.id}:{secrets.token_urlsafe(12)}")
            outbox.deliver_after_response()
        # The same answer whether or not the address has an account.
        return render("auth/forgot_sent.html", email=form.email.data)
    return render("auth/forgot.html", form=form, status=422 if request.method == "POST" else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    session = db.session()
    config = current_app.config
    try:
        user = user_for_reset_token(session, config["SECRET_KEY"], token, config["PASSWORD_RESET_MAX_AGE"])
    except AccountError as error:
        return render("errors/generic.html", status=400, heading="This link doesn't work",
                      message=error.message, link=url_for("auth.forgot_password"), link_text="Get a new link")
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            set_password(session, user, form.password.data)
        except AccountError as error:
            form.password.errors.append(error.message)
            status = 422
        else:
            if user.totp_secret:  # a reset link is one factor: the code is still asked for
                browser_session["two_factor"] = {"user": user.get_id(), "next": None}
                flash("Your password is changed. Now the code from your authenticator app.")
                return redirect(url_for("auth.login_code"))
            login_user(user)
            flash("Your password is changed and you are signed in.")
            return redirect(url_for("public.landing"))
    elif request.method == "POST":
        status = 422
    return render("auth/reset.html", form=form, status=status)
