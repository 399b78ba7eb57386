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


def run_jobs(session, now: datetime, progress=None) -> dict[str, int]:
    """Everything periodic, a batch per transaction; returns what each step did.

    Several runners (processes, machines) may run it at once: each batch is claimed (see
    renewals.claim_batch and outbox.deliver_due), so they share the work and nothing is done
    twice. `progress(message)` is told after each batch."""
    report = progress or (lambda _message: None)
    renewed, expired_at_renewal = renewals.renew_due(
        session, now, progress=lambda done, ended: report(f"renewals: {done} renewed, {ended} ended so far"))
    expired = renewals.expire_due(session, now)
    reminders = renewals.send_reminders(session, now, progress=lambda sent: report(f"reminders: {sent} sent so far"))
    with transaction(session):
        released = lifecycle.release_cooled_off(session, now)
    fulfilled = reservations.fulfil_waiting(session, now=now)
    settled = payments.settle_unconfirmed(session, now)
    silent = gateways.mark_silent(session, now, timedelta(seconds=current_app.config["GATEWAY_SILENCE_SECONDS"]))
    purged = messages.purge_bodies(session, now, days=current_app.config["MESSAGE_RETENTION_DAYS"])
    # Last, so what the steps above queued (e-mails, a partner told of its number) goes out at once.
    delivered = outbox.deliver_due(
        session, now, progress=lambda counts: report("outbox: " + ", ".join(f"{n} {what}" for what, n in counts.items())))
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
@click.option("--quiet", is_flag=True, help="Only the summary at the end, no progress lines.")
def run_command(quiet):
    """Run every periodic job once (progress on stderr, a summary on stdout)."""
    done = run_jobs(db.session(), clock.now(), progress=None if quiet else lambda line: click.echo(line, err=True))
    for what, count in done.items():
        click.echo(f"{what}: {count}")
