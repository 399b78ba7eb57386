"""`flask --app storefront catalog ...` and `demo ...` commands."""
import json
from pathlib import Path

import click
from flask.cli import AppGroup
from flask import Flask, current_app
from sqlalchemy import select

from pricing import CatalogError
from hardware.errors import HardwareError
from storefront import db
from storefront.hardware_cli import hw_cli
from storefront.jobs import jobs_cli
from storefront.models import ROLES
from storefront.services import operations
from storefront.services.demo import DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET, load_demo_accounts
from storefront.services.accounts import AccountError, active_user_by_email, create_user
from storefront.services.api_tokens import create_token
from storefront.services.credits import InsufficientCredits, adjust_credits
from storefront.services.catalog import export_catalog, has_catalog, import_catalog
from storefront.services import audit

DEMO_CATALOG = Path(__file__).parent / "demo" / "catalog.json"
DEMO_INVENTORY = Path(__file__).parent / "demo" / "inventory.json"


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} was not imported: it is not UTF-8 text ({error.reason} at byte "
                                   f"{error.start}).") from error
    except RecursionError as error:
        raise click.ClickException(f"{path} was not imported: it is nested too deeply.") from error
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path} was not imported: it is not valid JSON: {error}") from error


def _import(path: Path) -> None:
    try:
        catalog = import_catalog(db.session(), _read_json(path), source=f"import {path.name}")
    except CatalogError as error:
        lines = "\n".join(f"  {e.field}: {e.message}" for e in error.errors)
        raise click.ClickException(f"{path} was not imported; nothing changed.\n{lines}") from error
    click.echo(f"Imported {len(catalog.countries)} countries from {path}.")


@click.group("catalog", cls=AppGroup)
def catalog_cli():
    """Countries, rates and pricing tables."""


@catalog_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Replace the catalog with FILE (JSON), or change nothing if FILE has any error."""
    _import(file)


@catalog_cli.command("export")
@click.option("--output", "-o", type=click.File("w"), default="-", help="Where to write (default: stdout).")
def export_command(output):
    """Write the catalog in force as JSON, in the format `catalog import` reads."""
    json.dump(export_catalog(db.session()), output, indent=2)
    output.write("\n")


@click.group("demo", cls=AppGroup)
def demo_cli():
    """Demo data for development."""


@demo_cli.command("load")
@click.option("--no-accounts", is_flag=True, help="Only the catalog and the inventory, no demo accounts.")
@click.option("--gateway-tokens", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to keep the demo gateways' credentials for the simulator "
                   "(default: instance/demo-gateway-tokens.json).")
def demo_load_command(no_accounts: bool, gateway_tokens: Path | None):
    """Load the demo catalog, inventory and accounts, each unless there is one already."""
    if has_catalog(db.session()):
        click.echo("A catalog is already loaded; demo catalog left alone.")
    else:
        _import(DEMO_CATALOG)
    if operations.has_inventory(db.session()):
        click.echo("Gateways exist already; demo inventory left alone.")
    else:
        try:
            counts = operations.import_inventory(db.session(), _read_json(DEMO_INVENTORY))
        except HardwareError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Loaded {counts['gateways']} demo gateways and {counts['numbers']} numbers.")
    created = [] if no_accounts else load_demo_accounts(db.session())
    if created:
        click.echo(f"Demo accounts (password “{DEMO_PASSWORD}”): {', '.join(created)}")
    if not no_accounts:
        import pyotp

        click.echo(f"Demo staff sign in with a second factor: add the key {DEMO_STAFF_TOTP_SECRET} to an "
                   f"authenticator app (code now: {pyotp.TOTP(DEMO_STAFF_TOTP_SECRET).now()}; print one any time with "
                   f"python -c 'import pyotp; print(pyotp.TOTP(\"{DEMO_STAFF_TOTP_SECRET}\").now())').")
        path = gateway_tokens or Path(current_app.instance_path) / DEMO_GATEWAY_TOKENS
        count = write_demo_gateway_tokens(db.session(), path)
        click.echo(f"Gateway credentials for the simulator: {path} ({count} new)")


DEMO_GATEWAY_TOKENS = "demo-gateway-tokens.json"


def write_demo_gateway_tokens(session, path: Path) -> int:
    """Development only: a credential for every gateway, kept in `path` for
    tools/gateway_simulator.py. Those still valid are kept; returns how many were made."""
    from hardware.models import Gateway
    from storefront.services import gateways

    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    tokens, made = {}, 0
    for gateway in session.scalars(select(Gateway).order_by(Gateway.name)).all():
        token = known.get(gateway.name) if isinstance(known, dict) else None
        found = gateways.gateway_for_token(session, token) if isinstance(token, str) else None
        if found is None or found.id != gateway.id:
            token = gateways.create_token(session, gateway.name)[1]
            made += 1
        tokens[gateway.name] = token
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokens, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return made


@click.group("users", cls=AppGroup)
def users_cli():
    """Accounts of customers and staff."""


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role", "roles", multiple=True, default=("customer",), show_default=True,
    type=click.Choice(ROLES), help="Repeat for several roles.",
)
def users_create_command(email: str, password: str, roles: tuple[str, ...]):
    """Create an account (staff: give --role marketing, admin, operations or support)."""
    try:
        user = create_user(db.session(), email, password, roles)
    except AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email} with role(s) {', '.join(sorted(user.roles))}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def users_token_command(email: str, name: str):
    """Create an API token for EMAIL and print it (shown once; revoke it on the account page)."""
    user = active_user_by_email(db.session(), email)
    if user is None:
        raise click.ClickException(f"There is no active account for {email}.")
    _, token = create_token(db.session(), user, name)
    click.echo(token)


@click.group("credits", cls=AppGroup)
def credits_cli():
    """Customers' prepaid credits."""


@credits_cli.command("adjust")
@click.argument("email")
@click.argument("amount")
@click.option("--reason", required=True, help="Shown to the customer in their credit history.")
def credits_adjust_command(email: str, amount: str, reason: str):
    """Add AMOUNT euros of credits (a goodwill credit), or remove them: `-- EMAIL -5.00`."""
    try:
        entry = adjust_credits(db.session(), email, amount, reason)
    except (AccountError, InsufficientCredits) as error:
        raise click.ClickException(error.message) from error
    audit.record(db.session(), None, audit.CREDIT_ADJUSTMENT, email, f"{entry.amount.as_string()} EUR: {reason}")
    click.echo(f"Booked {entry.amount.as_string()} EUR for {email}: {reason}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(catalog_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(hw_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(credits_cli)
