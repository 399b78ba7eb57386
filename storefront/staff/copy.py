"""The copy editor (roles: marketing, admin): landing sections and FAQ entries in
Markdown with a live preview, drafts, publishing, history and roll-back."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from storefront import db
from storefront.roles import role_required
from storefront.models.copy import FAQ, LANDING, LEGAL
from storefront.rendering import render
from storefront.services import copy
from storefront.services.catalog import current_catalog
from storefront.staff import bp
from storefront.services import audit

EDITORS = ("marketing", "admin")


class CopyForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField("Text (Markdown)", description=(
        "Markdown: **bold**, *italic*, [a link](https://…), lists with “- ”. "
        "Live prices: [[price:DE:long:3]] is the 3-month bundle in Germany, "
        "[[price:DE:short:6]] six short-term months."))
    action = HiddenField()


class NewQuestionForm(FlaskForm):
    question = StringField("New question")


class ActionForm(FlaskForm):
    """The CSRF token of the small buttons (move, remove, roll back)."""


def _block_or_404(slug: str):
    block = copy.block_by_slug(db.session(), slug)
    if block is None:
        abort(404)
    return block


@bp.get("/copy")
@role_required(*EDITORS)
def copy_index():
    session = db.session()
    copy.ensure_blocks(session)
    blocks = {page: copy.blocks_of(session, page) for page in (LANDING, FAQ, LEGAL)}
    return render("staff/copy_index.html", landing=blocks[LANDING], faq=blocks[FAQ], legal=blocks[LEGAL],
                  new_form=NewQuestionForm(formdata=None), action_form=ActionForm())


@bp.post("/copy/faq")
@role_required(*EDITORS)
def copy_add_question():
    form = NewQuestionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        block = copy.add_faq_entry(db.session(), current_user, form.question.data or "")
    except copy.CopyInvalid as error:
        flash(error.problems[0])
        return redirect(url_for("staff.copy_index"))
    return redirect(url_for("staff.copy_edit", slug=block.slug))


@bp.post("/copy/<slug>/move")
@role_required(*EDITORS)
def copy_move(slug: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    copy.move_faq_entry(db.session(), _block_or_404(slug), -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("staff.copy_index") + "#faq-list")


@bp.post("/copy/<slug>/remove")
@role_required(*EDITORS)
def copy_remove(slug: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    block = _block_or_404(slug)
    copy.remove_faq_entry(db.session(), block)
    flash(f"“{block.versions[-1].title}” is no longer on the FAQ.")
    return redirect(url_for("staff.copy_index"))


@bp.route("/copy/<slug>", methods=["GET", "POST"])
@role_required(*EDITORS)
def copy_edit(slug: str):
    session = db.session()
    copy.ensure_blocks(session)
    block = _block_or_404(slug)
    current = block.draft or block.live or block.versions[-1]
    form = CopyForm() if request.method == "POST" else CopyForm(formdata=None, title=current.title, body=current.body)
    form.title.label.text = "Question" if block.page == FAQ else "Title"
    status, errors, confirming = 200, [], False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = form.action.data
        if action == "draft":
            copy.save_draft(session, current_user, block, form.title.data or "", form.body.data or "")
            flash("Draft saved. Visitors still see the published text.")
            return redirect(url_for("staff.copy_edit", slug=slug))
        if action == "publish":
            # First the check: what changes against the live text, what the sanitizer takes out.
            confirming = not copy.problems(current_catalog(session), form.title.data or "", form.body.data or "")
        elif action == "confirm_publish":
            try:
                copy.publish(session, current_user, block, form.title.data or "", form.body.data or "")
            except copy.CopyInvalid as error:
                errors, status = error.problems, 422
            else:
                audit.record(session, current_user, audit.COPY_PUBLISHED, f"{block.page}: {block.slug}",
                             form.title.data or "")
                flash("Published: visitors see it now.")
                return redirect(url_for("staff.copy_edit", slug=slug))
    title, body = form.title.data or "", form.body.data or ""
    catalog = current_catalog(session)
    preview, _ = copy.render_markdown(catalog, body)
    problems = errors or copy.problems(catalog, title, body)
    return render("staff/copy_edit.html", block="preview" if request.method == "POST" else None,
                  status=status, copy_block=block, form=form, preview=preview, preview_title=title,
                  problems=problems, action_form=ActionForm(), confirming=confirming,
                  removed=copy.sanitizer_removals(catalog, body),
                  diff=copy.diff_against_live(block, title, body) if confirming else [])


@bp.post("/copy/<slug>/roll-back/<int:version_id>")
@role_required(*EDITORS)
def copy_roll_back(slug: str, version_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    block = _block_or_404(slug)
    try:
        version = copy.roll_back(db.session(), current_user, block, version_id)
    except copy.CopyInvalid as error:
        flash("Can't roll back: " + " ".join(error.problems))
    else:
        flash(f"{version.note}: visitors see it now.")
    return redirect(url_for("staff.copy_edit", slug=slug))
