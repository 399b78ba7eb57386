"""`flask --app storefront hw ...`: the gateway hardware from the command line."""
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from hardware.errors import HardwareError
from storefront import db
from storefront.services import operations

hw_cli = AppGroup("hw", help="Gateways, SIMs, numbers and stock.")


def _run(action, *args, **kwargs):
    try:
        return action(db.session(), *args, **kwargs)
    except HardwareError as error:
        raise click.ClickException(f"{error.message} Nothing was changed.") from error


@hw_cli.command("add-gateway")
@click.argument("name")
@click.option("--country", required=True, help="ISO code of the country it serves, e.g. DE.")
@click.option("--slots", type=int, required=True, help="How many SIM slots it has.")
@click.option("--offline", is_flag=True, help="Add it as offline.")
def add_gateway(name, country, slots, offline):
    """Add a gateway with its empty SIM slots."""
    gateway = _run(operations.add_gateway, name, country, slots, not offline)
    click.echo(f"Added gateway {gateway.name} ({gateway.country_code}) with {slots} slots.")


@hw_cli.command("insert-sim")
@click.argument("gateway")
@click.argument("slot", type=int)
@click.argument("iccid")
@click.option("--number", help="The long-term number on this SIM (E.164).")
@click.option("--partner", help="The partner who provides this SIM, if any.")
def insert_sim(gateway, slot, iccid, number, partner):
    """Insert a SIM into a slot (and register the number on it)."""
    sim = _run(operations.insert_sim, gateway, slot, iccid, number, partner)
    click.echo(f"SIM {sim.iccid} is in slot {slot} of {gateway}" + (f" carrying {number}." if number else "."))


@hw_cli.command("pull-sim")
@click.argument("iccid")
def pull_sim(iccid):
    """Pull a SIM out of its slot; its number goes out of service."""
    sim = _run(operations.pull_sim, iccid)
    click.echo(f"SIM {sim.iccid} pulled.")


@hw_cli.command("add-number")
@click.argument("number")
@click.option("--kind", type=click.Choice(["long", "short"]), required=True)
@click.option("--country", required=True)
@click.option("--iccid", help="Long-term: the SIM carrying it.")
@click.option("--partner", help="The partner who provides it, if any.")
def add_number(number, kind, country, iccid, partner):
    """Add a number: long-term onto a SIM, short-term into the country's pool."""
    added = _run(operations.add_number, number, kind, country, iccid, partner)
    click.echo(f"Added {added.e164} ({kind}-term, {added.country_code}).")


@hw_cli.command("set-online")
@click.argument("name")
def set_online(name):
    """Bring a gateway online: its numbers come back into service."""
    _run(operations.set_gateway_online, name, True)
    click.echo(f"{name} is online.")


@hw_cli.command("set-offline")
@click.argument("name")
def set_offline(name):
    """Take a gateway offline: its numbers go out of service."""
    _run(operations.set_gateway_online, name, False)
    click.echo(f"{name} is offline.")


@hw_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_file(file: Path):
    """Load an inventory file (JSON); a file with any error loads nothing."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{file} is not valid JSON: {error}") from error
    counts = _run(operations.import_inventory, document)
    click.echo(f"Loaded {counts['gateways']} gateways and {counts['numbers']} numbers from {file}.")


@hw_cli.command("stock")
def stock():
    """Long-term numbers in stock per country."""
    counts = operations.long_term_stock(db.session())
    if not counts:
        click.echo("No long-term numbers in stock.")
    for code, count in sorted(counts.items()):
        click.echo(f"{code}  {count}")


@hw_cli.command("gateway-token")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Revoke the gateway's credential instead of making a new one.")
def gateway_token(name, revoke):
    """A new credential for gateway NAME (its old one stops working), printed once."""
    from storefront.services import gateways

    if revoke:
        count = _run(gateways.revoke_token, name)
        click.echo(f"Revoked {count} credential(s) of {name}; it can no longer use the gateway API.")
        return
    _token, plain = _run(gateways.create_token, name)
    click.echo(plain)
    click.echo(f"This is {name}'s credential for /gateway/v1. It is shown only now; a new one replaces it.",
               err=True)
