"""The operations page: gateways, SIMs, numbers and stock (role: operations)."""
from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select

from hardware.errors import HardwareError
from hardware.models import Partner
from storefront import db
from storefront.roles import role_required
from storefront.rendering import render
from storefront.services import gateways as gateway_service, operations
from storefront.services.catalog import current_catalog
from storefront.staff import bp
from storefront.staff.operations_forms import GatewayForm, PullSimForm, ShortNumberForm, SimForm


def _forms(**bound) -> dict:
    session = db.session()
    countries = [(c.code, f"{c.name} ({c.code})") for c in current_catalog(session).countries]
    gateways = [(name, f"{name} ({country})") for name, country in operations.gateway_choices(session)]
    partners = [("", "Our own SIM")] + [(p.name, p.name) for p in session.scalars(select(Partner).order_by(Partner.name))]
    forms = {
        "gateway_form": bound.get("gateway_form") or GatewayForm(formdata=None),
        "sim_form": bound.get("sim_form") or SimForm(formdata=None),
        "pull_form": bound.get("pull_form") or PullSimForm(formdata=None),
        "short_form": bound.get("short_form") or ShortNumberForm(formdata=None),
    }
    forms["gateway_form"].country.choices = countries
    forms["short_form"].country.choices = countries
    forms["sim_form"].gateway.choices = gateways
    forms["sim_form"].partner.choices = partners
    return forms


def _page(status: int = 200, new_credential: tuple[str, str] | None = None, **bound):
    session = db.session()
    page = operations.gateways_overview(session, request.args.get("cursor"))
    return render(
        "staff/operations.html",
        status=status,
        gateways=page.items,
        page=page,
        traffic=gateway_service.traffic_by_gateway(session, gateway_ids=[gateway.id for gateway in page.items]),
        credentials=gateway_service.live_tokens(session),
        new_credential=new_credential,
        stock=operations.long_term_stock(session),
        pool=operations.short_term_pool(session),
        catalog=current_catalog(session),
        toggle_form=FlaskForm(),
        **_forms(**bound),
    )


def _submit(form_name: str, form: FlaskForm, action, success: str):
    """Validate `form`, run `action`; on any error show the page again with the message at the form."""
    bound = {form_name: form}
    _forms(**bound)  # sets the choices the form validates against
    if not form.validate_on_submit():
        return _page(status=422, **bound)
    try:
        action()
    except HardwareError as error:
        form.form_errors.append(error.message + " Nothing was changed.")
        return _page(status=422, **bound)
    flash(success)
    return redirect(url_for("staff.operations_page"))


@bp.get("/operations")
@role_required("operations")
def operations_page():
    return _page()


@bp.post("/operations/gateways")
@role_required("operations")
def add_gateway():
    form = GatewayForm()
    return _submit("gateway_form", form,
                   lambda: operations.add_gateway(db.session(), form.name.data, form.country.data, form.slots.data),
                   f"Gateway {form.name.data} added.")


@bp.post("/operations/sims")
@role_required("operations")
def insert_sim():
    form = SimForm()
    return _submit(
        "sim_form", form,
        lambda: operations.insert_sim(db.session(), form.gateway.data, form.slot.data, form.iccid.data,
                                      form.number.data or None, form.partner.data or None),
        f"SIM inserted into slot {form.slot.data} of {form.gateway.data}.",
    )


@bp.post("/operations/sims/pull")
@role_required("operations")
def pull_sim():
    form = PullSimForm()
    return _submit("pull_form", form, lambda: operations.pull_sim(db.session(), form.iccid.data),
                   f"SIM {form.iccid.data} pulled; its number is out of service.")


@bp.post("/operations/numbers")
@role_required("operations")
def add_short_number():
    form = ShortNumberForm()
    return _submit(
        "short_form", form,
        lambda: operations.add_number(db.session(), form.number.data, "short", form.country.data),
        f"{form.number.data} added to the short-term pool.",
    )


@bp.post("/operations/gateways/<name>/online")
@role_required("operations")
def toggle_gateway(name: str):
    online = request.form.get("online") == "1"
    if FlaskForm().validate_on_submit():
        try:
            operations.set_gateway_online(db.session(), name, online)
            flash(f"{name} is {'online' if online else 'offline'}.")
        except HardwareError as error:
            flash(error.message)
    return redirect(url_for("staff.operations_page"))


@bp.post("/operations/gateways/<name>/credential")
@role_required("operations")
def gateway_credential(name: str):
    """A new credential for the gateway, shown on this answer only (never stored in clear)."""
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("staff.operations_page"))
    try:
        if request.form.get("revoke") == "1":
            gateway_service.revoke_token(db.session(), name)
            flash(f"{name}'s credential is revoked: it can no longer use the gateway API.")
            return redirect(url_for("staff.operations_page"))
        _token, plain = gateway_service.create_token(db.session(), name)
    except HardwareError as error:
        flash(error.message)
        return redirect(url_for("staff.operations_page"))
    response = _page(new_credential=(name, plain))
    response.headers["Cache-Control"] = "no-store"
    return response
