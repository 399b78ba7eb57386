"""`flask --app storefront jobs run`: periodic work, idempotent, safe to run every minute."""
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from hardware import lifecycle
from storefront import clock, db
from storefront.db import transaction
from storefront.services import gateways, messages, outbox, payments, renewals, reservations

jobs_cli = AppGroup("jobs", help="Periodic work (run from cron).")


def run_jobs(session, now: datetime) -> dict[str, int]:
    """Everything periodic, each step its own transactions; returns what each step did."""
    renewed, expired_at_renewal = renewals.renew_due(session, now)
    expired = renewals.expire_due(session, now)
    reminders = renewals.send_reminders(session, now)
    with transaction(session):
        released = lifecycle.release_cooled_off(session, now)
    fulfilled = reservations.fulfil_waiting(session, now=now)
    settled = payments.settle_unconfirmed(session, now)
    silent = gateways.mark_silent(session, now, timedelta(seconds=current_app.config["GATEWAY_SILENCE_SECONDS"]))
    purged = messages.purge_bodies(session, now, days=current_app.config["MESSAGE_RETENTION_DAYS"])
    # Last, so what the steps above queued (e-mails, a partner told of its number) goes out at once.
    delivered = outbox.deliver_due(session, now)
    return {
        "numbers renewed": renewed,
        "numbers ended": expired_at_renewal + expired,
        "renewal reminders": reminders,
        "numbers back in the pool": len(released),
        "reservations fulfilled": fulfilled,
        "card payments settled": settled,
        "gateways gone silent": silent,
        "message bodies purged": purged,
        **delivered,
    }


@jobs_cli.command("run")
def run_command():
    """Run every periodic job once."""
    done = run_jobs(db.session(), clock.now())
    for what, count in done.items():
        click.echo(f"{what}: {count}")
