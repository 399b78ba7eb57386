"""The outbox: e-mails and signed partner webhooks, queued with the change that causes
them, each event delivered once, retried with back-off while the receiver is down."""
import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from hardware import lifecycle
from hardware.models import Partner, PhoneNumber
from storefront import db
from storefront.mail import sent_messages
from storefront.models.outbox import MAX_ATTEMPTS, OutboxMessage
from storefront.services import outbox

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
SECRET = "partner-secret"
NOTHING = {"e-mails sent": 0, "webhooks delivered": 0, "deliveries failed": 0}
PARTNER_NUMBER = "+4915123456103"  # on a SIM of "Nordic SIM Partners" in the demo inventory
OWN_NUMBER = "+4915123456102"


class PartnerEndpoint:
    """A partner's webhook receiver on a local port: answers `status`, keeps what it accepted."""

    def __init__(self, port: int = 0):
        self.status = 200
        self.delay_seconds = 0.0
        self.accepted: list[tuple[dict, bytes]] = []
        self.refused = 0
        lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(endpoint.delay_seconds)
                headers = {name: self.headers[name] for name in ("Content-Type", "X-Signature", "X-Event-Id")}
                with lock:
                    if endpoint.status < 300:
                        endpoint.accepted.append((headers, body))
                    else:
                        endpoint.refused += 1
                self.send_response(endpoint.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/numbers"

    def event_ids(self) -> list[str]:
        return sorted(headers["X-Event-Id"] for headers, _body in self.accepted)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def closed_port() -> int:
    """A port nothing listens on (until a test starts an endpoint there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def verified(headers: dict, body: bytes, secret: str = SECRET) -> dict:
    """What a partner does: check the signature over the exact bytes, then read the JSON."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Signature"], expected)
    assert headers["Content-Type"] == "application/json"
    event = json.loads(body)
    assert event["id"] == headers["X-Event-Id"]
    return event


@pytest.fixture
def endpoint():
    started = []

    def start(port: int = 0) -> PartnerEndpoint:
        started.append(PartnerEndpoint(port))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def add_partner(app, notify_url: str) -> int:
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            partner = Partner(name="Test Partner", notify_url=notify_url, shared_secret=SECRET)
            session.add(partner)
        return partner.id


def queue(app, queue_function, *args, **kwargs) -> None:
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            queue_function(session, *args, **kwargs)


def deliver(app, now: datetime) -> dict[str, int]:
    with app.app_context():
        return outbox.deliver_due(db.session(), now)


def messages(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_email_queued_with_a_change_is_sent_once(app):
    queue(app, outbox.queue_email, "ada@example.com", "Your number", "It is yours.", key="rental:1:started")

    assert deliver(app, NOW) == {**NOTHING, "e-mails sent": 1}
    assert deliver(app, NOW + timedelta(days=1)) == NOTHING
    [sent] = sent_messages(app.config["MAIL_DIR"])
    assert sent["To"] == "ada@example.com" and sent["Subject"] == "Your number"
    assert "It is yours." in sent.get_content()
    [message] = messages(app)
    assert message.state == "delivered" and message.delivered_at == NOW and message.attempts == 1


def test_a_change_rolled_back_queues_nothing(app):
    with app.app_context():
        session = db.session()
        with pytest.raises(RuntimeError):
            with db.transaction(session):
                outbox.queue_email(session, "ada@example.com", "Your number", "It is yours.", key="rental:1:started")
                raise RuntimeError("the change failed")

    assert messages(app) == []
    assert deliver(app, NOW) == NOTHING
    assert sent_messages(app.config["MAIL_DIR"]) == []


def test_the_same_key_queued_again_is_sent_once_and_the_callers_transaction_goes_on(app):
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            outbox.queue_email(session, "ada@example.com", "Welcome", "Hello.", key="welcome:1")
            outbox.queue_email(session, "ada@example.com", "Welcome", "Hello.", key="welcome:1")
            outbox.queue_email(session, "ada@example.com", "Receipt", "Paid.", key="receipt:1")
    queue(app, outbox.queue_email, "ada@example.com", "Welcome", "Hello.", key="welcome:1")

    assert [message.key for message in messages(app)] == ["welcome:1", "receipt:1"]
    assert deliver(app, NOW) == {**NOTHING, "e-mails sent": 2}
    queue(app, outbox.queue_email, "ada@example.com", "Welcome", "Hello.", key="welcome:1")
    assert deliver(app, NOW + timedelta(days=1)) == NOTHING
    assert len(sent_messages(app.config["MAIL_DIR"])) == 2


def test_a_duplicate_caught_only_by_the_unique_key_leaves_the_callers_transaction_usable(app, monkeypatch):
    # As when another transaction queues the key between our check and our insert.
    queue(app, outbox.queue_email, "ada@example.com", "Welcome", "Hello.", key="welcome:1")
    with app.app_context():
        session = db.session()
        real_scalar = session.scalar
        monkeypatch.setattr(session, "scalar", lambda statement: None)
        with db.transaction(session):
            outbox.queue_email(session, "ada@example.com", "Welcome", "Hello.", key="welcome:1")
            monkeypatch.setattr(session, "scalar", real_scalar)
            outbox.queue_email(session, "ada@example.com", "Receipt", "Paid.", key="receipt:1")

    assert [message.key for message in messages(app)] == ["welcome:1", "receipt:1"]


def test_partner_events_arrive_once_each_and_signed_after_the_partner_was_down(app, endpoint):
    port = closed_port()
    partner_id = add_partner(app, f"http://127.0.0.1:{port}/hooks/numbers")
    for number in ("+4915123456103", "+4915123456106"):
        queue(app, outbox.queue_partner_event, partner_id, "number.returned_to_pool",
              {"number": number, "country": "DE", "reason": "unused return"}, key=f"returned:{number}")

    # Down: nothing listens.
    assert deliver(app, NOW) == {**NOTHING, "deliveries failed": 2}
    for message in messages(app):
        assert message.attempts == 1 and message.state == "pending"
        assert message.next_attempt_at == NOW + timedelta(minutes=1)
        assert "ConnectionRefused" in message.last_error

    # Up, but answering 503; not asked again before the back-off has passed.
    partner = endpoint(port)
    partner.status = 503
    assert deliver(app, NOW + timedelta(seconds=59)) == NOTHING
    assert partner.refused == 0
    assert deliver(app, NOW + timedelta(minutes=1)) == {**NOTHING, "deliveries failed": 2}
    assert partner.refused == 2
    assert {message.last_error for message in messages(app)} == {"HTTP 503 Service Unavailable"}
    assert {message.next_attempt_at for message in messages(app)} == {NOW + timedelta(minutes=3)}

    # Up and well.
    partner.status = 200
    assert deliver(app, NOW + timedelta(minutes=2)) == NOTHING
    assert deliver(app, NOW + timedelta(minutes=3)) == {**NOTHING, "webhooks delivered": 2}
    assert deliver(app, NOW + timedelta(days=1)) == NOTHING

    assert partner.event_ids() == ["returned:+4915123456103", "returned:+4915123456106"]
    events = [verified(headers, body) for headers, body in partner.accepted]
    assert {event["type"] for event in events} == {"number.returned_to_pool"}
    assert {event["data"]["number"] for event in events} == {"+4915123456103", "+4915123456106"}
    assert all(datetime.fromisoformat(event["created"]).tzinfo for event in events)
    assert {message.state for message in messages(app)} == {"delivered"}


def test_a_body_signed_with_another_secret_does_not_verify(app, endpoint):
    partner = endpoint()
    partner_id = add_partner(app, partner.url)
    queue(app, outbox.queue_partner_event, partner_id, "number.returned_to_pool", {"number": "+4915123456103"},
          key="returned:1")
    deliver(app, NOW)

    [(headers, body)] = partner.accepted
    with pytest.raises(AssertionError):
        verified(headers, body, secret="someone-else")
    with pytest.raises(AssertionError):
        verified(headers, body.replace(b"4915123456103", b"4915123456104"))


def test_delivery_gives_up_after_the_last_attempt_and_says_so(app):
    partner_id = add_partner(app, f"http://127.0.0.1:{closed_port()}/hooks/numbers")
    queue(app, outbox.queue_partner_event, partner_id, "number.returned_to_pool", {}, key="returned:1")

    now = NOW
    for _attempt in range(MAX_ATTEMPTS):
        assert deliver(app, now) == {**NOTHING, "deliveries failed": 1}
        now += timedelta(hours=6)

    [message] = messages(app)
    assert message.state == "gave up" and message.attempts == MAX_ATTEMPTS
    assert message.next_attempt_at is None and "ConnectionRefused" in message.last_error
    assert deliver(app, now + timedelta(days=30)) == NOTHING


@pytest.mark.parametrize(
    "attempts, delay",
    [(1, timedelta(minutes=1)), (2, timedelta(minutes=2)), (3, timedelta(minutes=4)),
     (9, timedelta(minutes=256)), (10, timedelta(hours=6)), (MAX_ATTEMPTS, timedelta(hours=6))],
)
def test_the_back_off_doubles_up_to_six_hours(attempts, delay):
    assert outbox.retry_delay(attempts) == delay


def number_called(session, e164: str) -> PhoneNumber:
    return session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))


def test_a_partner_number_back_in_the_pool_queues_the_partner_event(stocked_app):
    with stocked_app.app_context():
        session = db.session()
        for e164 in (PARTNER_NUMBER, OWN_NUMBER):
            with db.transaction(session):
                number = number_called(session, e164)
                lifecycle.move(session, number, lifecycle.RENTED, NOW, "bought")
            with db.transaction(session):
                lifecycle.move(session, number, lifecycle.AVAILABLE, NOW + timedelta(hours=1), "unused return")
        partner = session.scalar(select(Partner).where(Partner.name == "Nordic SIM Partners"))
        partner_number = number_called(session, PARTNER_NUMBER)

    [message] = messages(stocked_app)
    assert message.kind == "partner_webhook" and message.recipient == str(partner.id)
    assert message.key.startswith(f"returned:{partner_number.id}:")
    assert message.payload["id"] == message.key and message.payload["type"] == "number.returned_to_pool"
    assert message.payload["data"] == {"number": PARTNER_NUMBER, "country": "DE", "reason": "unused return"}


def test_a_return_rolled_back_tells_the_partner_nothing(stocked_app):
    with stocked_app.app_context():
        session = db.session()
        with db.transaction(session):
            lifecycle.move(session, number_called(session, PARTNER_NUMBER), lifecycle.RENTED, NOW, "bought")
        with pytest.raises(RuntimeError):
            with db.transaction(session):
                lifecycle.move(session, number_called(session, PARTNER_NUMBER), lifecycle.AVAILABLE, NOW, "unused return")
                raise RuntimeError("the refund failed")

    assert messages(stocked_app) == []


def test_the_jobs_command_tells_the_partner_and_a_second_run_does_nothing(stocked_app, endpoint, clock):
    partner_endpoint = endpoint()
    with stocked_app.app_context():
        session = db.session()
        with db.transaction(session):
            session.scalar(select(Partner).where(Partner.name == "Nordic SIM Partners")).notify_url = partner_endpoint.url
            number = number_called(session, PARTNER_NUMBER)
            lifecycle.move(session, number, lifecycle.RENTED, clock.now(), "bought")
            lifecycle.start_cooling_off(session, number, clock.now())
            outbox.queue_email(session, "ada@example.com", "Your number was unrented", "It is gone.", key="unrent:1")
    clock.advance(days=31)  # the cooling-off is over
    runner = stocked_app.test_cli_runner()

    first = runner.invoke(args=["jobs", "run"])
    second = runner.invoke(args=["jobs", "run"])

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "numbers back in the pool: 1" in first.output
    assert "webhooks delivered: 1" in first.output and "e-mails sent: 1" in first.output
    assert second.output.splitlines() and all(line.endswith(": 0") for line in second.output.splitlines())
    [(headers, body)] = partner_endpoint.accepted
    event = verified(headers, body, secret="demo-partner-secret")
    assert event["data"] == {"number": PARTNER_NUMBER, "country": "DE", "reason": "cooling-off ended"}
    assert len(sent_messages(stocked_app.config["MAIL_DIR"])) == 1


def test_two_job_runners_at_once_deliver_each_message_exactly_once(app, endpoint):
    # On PostgreSQL the runners claim rows with SKIP LOCKED; SQLite takes turns.
    partner = endpoint()
    partner.delay_seconds = 0.02
    partner_id = add_partner(app, partner.url)
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            for index in range(20):
                outbox.queue_partner_event(session, partner_id, "number.returned_to_pool",
                                           {"index": index}, key=f"returned:{index}")
            for index in range(5):
                outbox.queue_email(session, f"customer{index}@example.com", "Hello", "Hi.", key=f"hello:{index}")

    start = threading.Barrier(2)
    results, errors = [], []

    def run_jobs():
        try:
            with app.app_context():
                session = app.extensions["database"].sessions()
                try:
                    start.wait()
                    results.append(outbox.deliver_due(session, NOW))
                finally:
                    session.close()
        except Exception as error:
            errors.append(error)

    runners = [threading.Thread(target=run_jobs) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()

    assert errors == []
    assert sum(result["webhooks delivered"] for result in results) == 20
    assert sum(result["e-mails sent"] for result in results) == 5
    assert sum(result["deliveries failed"] for result in results) == 0
    assert partner.event_ids() == sorted(f"returned:{index}" for index in range(20))
    assert len(sent_messages(app.config["MAIL_DIR"])) == 5
