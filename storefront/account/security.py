"""The account's security page: sign out everywhere, two-factor sign-in."""
from flask import current_app, flash, redirect, session as browser_session, url_for
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm

from storefront import db
from storefront.account import bp
from storefront.rendering import render
from storefront.forms import CodeForm
from storefront.problems import StorefrontError
from storefront.services import two_factor
from storefront.services.accounts import end_every_session


def _page(code_form: CodeForm | None = None, recovery_codes: list[str] | None = None, status: int = 200):
    user = current_user
    secret = None
    if not user.totp_secret:
        # The secret being set up lives in the (signed) session until a code proves the app has it.
        secret = browser_session.get("totp_setup") or two_factor.new_secret()
        browser_session["totp_setup"] = secret
    return render("account/security.html", form=FlaskForm(), code_form=code_form or CodeForm(formdata=None),
                  secret=secret, status=status, recovery_codes=recovery_codes,
                  uri=two_factor.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"])
                  if secret else None)


@bp.get("/account/security")
@login_required
def security():
    return _page()


@bp.post("/account/security/two-factor")
@login_required
def two_factor_on():
    form = CodeForm()
    secret = browser_session.get("totp_setup")
    if current_user.totp_secret or not secret:
        return redirect(url_for("account.security"))
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        codes = two_factor.enrol(db.session(), current_user._get_current_object(), secret, form.code.data)
    except StorefrontError as error:
        form.code.errors.append(error.message)
        return _page(form, status=422)
    browser_session.pop("totp_setup", None)
    return _page(recovery_codes=codes)


@bp.post("/account/security/two-factor/off")
@login_required
def two_factor_off():
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        two_factor.turn_off(db.session(), current_user._get_current_object(), form.code.data)
    except StorefrontError as error:
        form.code.errors.append(error.message)
        return _page(form, status=422)
    flash("Two-factor sign-in is off.")
    return redirect(url_for("account.security"))


@bp.post("/account/security/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if FlaskForm().validate_on_submit():
        user = current_user._get_current_object()
        end_every_session(db.session(), user)
        login_user(user)  # this browser stays signed in, with the new version
        flash("Every other device and browser is now signed out.")
    return redirect(url_for("account.security"))
