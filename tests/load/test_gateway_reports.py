"""4 gateways report 5,000 inbound messages at once, with retries (some racing each other),
through tools/gateway_simulator.py against gunicorn -w 4 on PostgreSQL: every message is
stored exactly once, every number's received count matches, no answer is an error; once
one report a request, once 50 a request (POST /messages/batch, a retry may share a batch
with its first sending or race it in another)."""
import importlib.util
import os

import pytest
from sqlalchemy import func, select

from hardware.models import PhoneNumber
from storefront import db
from storefront.models import Message
from storefront.services import gateways, operations
from storefront.services.accounts import create_user
from tests.load.harness import PASSWORD, ROOT, iccid
from tests.storefront.rental_factory import rent

GATEWAYS = 4
NUMBERS_PER_GATEWAY = 5
# The size; LOAD_GATEWAY_MESSAGES makes a quicker run on a busy machine.
MESSAGES = int(os.environ.get("LOAD_GATEWAY_MESSAGES", "5000"))


def simulator():
    spec = importlib.util.spec_from_file_location("gateway_simulator", ROOT / "tools" / "gateway_simulator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(app) -> dict[str, str]:
    """4 German gateways with 5 numbers each, all rented by one customer; their credentials."""
    tokens = {}
    with app.app_context():
        session = db.session()
        create_user(session, "holder@example.com", PASSWORD)
        for index in range(GATEWAYS):
            name = f"load-gw-{index}"
            operations.add_gateway(session, name, "DE", NUMBERS_PER_GATEWAY)
            for slot in range(1, NUMBERS_PER_GATEWAY + 1):
                serial = index * 100 + slot
                operations.insert_sim(session, name, slot, iccid(serial), f"+4915123458{serial:03d}")
            tokens[name] = gateways.create_token(session, name)[1]
    for _ in range(GATEWAYS * NUMBERS_PER_GATEWAY):
        rent(app, "holder@example.com", "DE", "long")
    return tokens


@pytest.mark.parametrize("batch", [1, 50])
def test_5000_reports_from_4_gateways_with_retries_are_stored_exactly_once(setup_app, start_server, batch):
    tokens = prepare(setup_app)
    server = start_server()
    summary = simulator().burst(server.base, tokens, MESSAGES, retry_share=0.2, threads_per_gateway=2, batch=batch)
    assert summary["reports_sent"] > MESSAGES  # retries were sent
    assert summary["statuses"] == {"201": summary["reports_sent"]}, (summary, server.log()[-3000:])
    assert summary["distinct_answers"] == MESSAGES
    assert summary["answers_naming_two_messages"] == 0
    with setup_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Message)) == MESSAGES
        distinct = session.scalar(select(func.count(func.distinct(Message.gateway_message_id))))
        assert distinct == MESSAGES
        assert session.scalar(select(func.sum(PhoneNumber.messages_received))) == MESSAGES
    print(f"\n{MESSAGES} messages, {summary['reports_sent']} reports ({batch} a request) in {summary['seconds']} s "
          f"({summary['reports_per_second']}/s)")
