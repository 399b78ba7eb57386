"""The catalog editor and its history (role: admin): every edit is a draft with a price
preview until it is saved."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from storefront import db
from storefront.roles import role_required
from storefront.rendering import render
from storefront.services import catalog_editor
from storefront.services.catalog_editor import DraftNotSaved
from storefront.staff import bp
from storefront.services import audit

ROW_TABLES = ("countries", "volume_discounts", "return_fees")


def _editor(draft, message: str | None = None, status: int = 200):
    return render("staff/catalog.html", block="preview", status=status, draft=draft, message=message)


@bp.get("/catalog")
@role_required("admin")
def catalog_editor_page():
    session = db.session()
    restore = request.args.get("restore", type=int)
    if restore is None:
        return _editor(catalog_editor.live_draft(session))
    try:
        return _editor(catalog_editor.restored_draft(session, restore))
    except DraftNotSaved:
        abort(404)


@bp.post("/catalog")
@role_required("admin")
def edit_catalog():
    """Save the draft, add or remove a row, or (htmx, as the admin types) preview it."""
    session = db.session()
    draft = catalog_editor.form_draft(session, request.form)
    action = request.form.get("action", "preview")
    if action == "save":
        try:
            catalog_editor.save_draft(session, draft, current_user.id)
        except DraftNotSaved as error:
            return _editor(draft, message=error.message, status=422)
        audit.record(session, current_user, audit.PRICE_CHANGE, "catalog",
                     request.form.get("note") or "Catalog saved in the editor")
        flash("Saved: the new catalog is live. Customers who had a price on screen are asked to confirm the new one.")
        return redirect(url_for("staff.catalog_editor_page"))
    # Row buttons are named "add:countries" and "remove:volume_discounts:2".
    verb, _, row = action.partition(":")
    table, _, index = row.partition(":")
    if verb == "add" and table in ROW_TABLES:
        draft = catalog_editor.add_row(session, draft, table)
    elif verb == "remove" and table in ROW_TABLES and index.isdigit():
        draft = catalog_editor.remove_row(session, draft, table, int(index))
    return _editor(draft)


@bp.get("/catalog/history")
@role_required("admin")
def catalog_history():
    return render("staff/catalog_history.html", entries=catalog_editor.catalog_history(db.session()))
