"""API tokens on the account page: create (shown once), list, revoke."""
from flask import flash, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from storefront import db
from storefront.account import bp
from storefront.account.forms import NewTokenForm
from storefront.rendering import render
from storefront.services.api_tokens import TokenError, create_token, revoke_token, tokens_of


def _page(form: NewTokenForm, new_token: str | None = None, status: int = 200):
    return render(
        "account/tokens.html",
        form=form,
        revoke_form=FlaskForm(),
        tokens=tokens_of(db.session(), current_user),
        new_token=new_token,
        status=status,
    )


@bp.get("/account/tokens")
@login_required
def tokens():
    return _page(NewTokenForm())


@bp.post("/account/tokens")
@login_required
def new_token():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        _, plain = create_token(db.session(), current_user, form.name.data)
    except TokenError as error:
        form.name.errors.append(error.message)
        return _page(form, status=422)
    return _page(NewTokenForm(formdata=None), new_token=plain)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if FlaskForm().validate_on_submit():
        try:
            token = revoke_token(db.session(), current_user, token_id)
            flash(f"Token “{token.name}” is revoked: it no longer works.")
        except TokenError as error:
            flash(error.message)
    return redirect(url_for("account.tokens"))
