"""The account's security page: sign out everywhere, two-factor sign-in."""
from flask import flash, redirect, url_for
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm

from storefront import db
from storefront.account import bp
from storefront.rendering import render
from storefront.services.accounts import end_every_session


@bp.get("/account/security")
@login_required
def security():
    return render("account/security.html", form=FlaskForm())


@bp.post("/account/security/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if FlaskForm().validate_on_submit():
        user = current_user._get_current_object()
        end_every_session(db.session(), user)
        login_user(user)  # this browser stays signed in, with the new version
        flash("Every other device and browser is now signed out.")
    return redirect(url_for("account.security"))
