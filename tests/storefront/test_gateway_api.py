"""The gateway API: credentials, inbound reports (idempotent, only its own numbers, every
bad field named), the outbound queue, heartbeats with one e-mail down and one back, the
operations page's counts and the retention purge by `jobs run`."""
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hardware.models import Gateway, PhoneNumber
from storefront import clock as storefront_clock, db
from storefront.jobs import run_jobs
from storefront.models import Message, Rental
from storefront.services import gateways, messages
from tests.storefront.helpers import staff_client
from tests.storefront.rental_factory import rent


class GatewayClient:
    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def post(self, path, body=None, raw: bytes | None = None):
        if raw is not None:
            return self.client.post(f"/gateway/v1{path}", data=raw, headers=self.headers,
                                    content_type="application/json")
        return self.client.post(f"/gateway/v1{path}", json=body, headers=self.headers)

    def get(self, path):
        return self.client.get(f"/gateway/v1{path}", headers=self.headers)


def _gateway_of(app, number_id) -> str:
    with app.app_context():
        return db.session().get(PhoneNumber, number_id).gateway.name


def _token(app, name) -> str:
    with app.app_context():
        return gateways.create_token(db.session(), name)[1]


@pytest.fixture
def held(customers, stocked_app):
    """Ada holds a German long-term number; its gateway has a credential."""
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", hours_ago=1)
    name = _gateway_of(stocked_app, rented.number_id)
    return rented, GatewayClient(stocked_app.test_client(), _token(stocked_app, name)), name


def _count(app, model=Message) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def _report(rented, message_id="gw-1", **more):
    return {"id": message_id, "to": rented.e164, "from": "+4915112345678", "text": "Your code is 483920",
            "received_at": "2026-01-01T00:00:00Z", **more}


def test_without_a_live_credential_the_answer_is_401(held, stocked_app):
    rented, gateway, name = held
    anonymous = stocked_app.test_client()
    for headers in ({}, {"Authorization": "Bearer ngw_nonsense"}, {"Authorization": "Basic abc"}):
        answer = anonymous.post("/gateway/v1/messages", json=_report(rented), headers=headers)
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
    assert stocked_app.test_cli_runner().invoke(args=["hw", "gateway-token", name, "--revoke"]).exit_code == 0
    assert gateway.post("/heartbeat").status_code == 401
    assert _count(stocked_app) == 0


def test_the_cli_prints_a_credential_once_and_a_new_one_replaces_it(held, stocked_app):
    rented, gateway, name = held
    result = stocked_app.test_cli_runner().invoke(args=["hw", "gateway-token", name])
    assert result.exit_code == 0
    plain = result.output.splitlines()[0]
    assert plain.startswith("ngw_")
    assert gateway.post("/heartbeat").status_code == 401  # the old one stopped working
    fresh = GatewayClient(stocked_app.test_client(), plain)
    assert fresh.post("/heartbeat").json["gateway"] == name
    with stocked_app.app_context():
        stored = gateways.live_tokens(db.session())
        assert plain not in {token.token_hash for token in stored.values()}


def test_a_report_is_stored_once_and_a_replay_gets_the_first_answer(held, stocked_app, clock):
    rented, gateway, _ = held
    clock.set(storefront_clock.now())
    report = _report(rented, received_at=storefront_clock.now().isoformat())
    first = gateway.post("/messages", report)
    again = gateway.post("/messages", report)
    assert first.status_code == 201 and first.json["stored"]
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert _count(stocked_app) == 1
    with stocked_app.app_context():
        number = db.session().get(PhoneNumber, rented.number_id)
        assert number.messages_received == 1


def test_another_gateways_number_is_refused_and_nothing_stored(held, stocked_app):
    rented, _, _ = held
    other = rent(stocked_app, "ada@example.com", "FR")
    french = GatewayClient(stocked_app.test_client(), _token(stocked_app, _gateway_of(stocked_app, other.number_id)))
    answer = french.post("/messages", _report(rented, received_at=None))
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert "not a number of gateway" in answer.json["detail"]
    unknown = french.post("/messages", _report(rented, to="+4915199999999", received_at=None))
    assert unknown.status_code == 404
    assert _count(stocked_app) == 0


@pytest.mark.parametrize("change,field", [
    ({"text": ""}, "text"),
    ({"text": "x" * 1601}, "text"),
    ({"text": None}, "text"),
    ({"text": 5}, "text"),
    ({"to": "0049 151"}, "to"),
    ({"from": ""}, "from"),
    ({"id": ""}, "id"),
    ({"id": "x" * 101}, "id"),
    ({"received_at": "yesterday"}, "received_at"),
    ({"received_at": "2026-01-01T00:00:00"}, "received_at"),
    ({"received_at": "2999-01-01T00:00:00Z"}, "received_at"),
])
def test_bad_fields_get_422_naming_the_field(held, stocked_app, change, field):
    rented, gateway, _ = held
    answer = gateway.post("/messages", {**_report(rented, received_at=None), **change})
    assert answer.status_code == 422, answer.json
    assert [error["field"] for error in answer.json["errors"]] == [field]
    assert _count(stocked_app) == 0


def test_invalid_utf8_and_garbage_bodies_are_422_not_500(held, stocked_app):
    rented, gateway, _ = held
    head = f'{{"id": "gw-9", "to": "{rented.e164}", "from": "+4915112345678", "text": '
    answer = gateway.post("/messages", raw=head.encode() + b'"caf\xe9"}')
    assert answer.status_code == 422 and answer.json["errors"][0]["field"] == "text"
    escaped = gateway.post("/messages", raw=(head + '"\\ud800"}').encode())
    assert escaped.status_code == 422 and escaped.json["errors"][0]["field"] == "text"
    for garbage in (b"\xff\xfe", b"[1, 2]", b"{not json", b'"text"'):
        answer = gateway.post("/messages", raw=garbage)
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert gateway.post("/outbound/99999999999999999999/ack").status_code == 404
    assert gateway.get("/outbound?limit=abc").status_code == 422
    assert _count(stocked_app) == 0


def test_a_number_nobody_holds_gets_202_and_nothing_is_stored(customers, stocked_app):
    with stocked_app.app_context():
        session = db.session()
        free = session.scalar(select(PhoneNumber).where(PhoneNumber.state == "available",
                                                        PhoneNumber.kind == "short", PhoneNumber.country_code == "DE"))
        e164, name = free.e164, free.gateway.name
    gateway = GatewayClient(stocked_app.test_client(), _token(stocked_app, name))
    answer = gateway.post("/messages", {"id": "x1", "to": e164, "from": "Bank", "text": "hi"})
    assert answer.status_code == 202 and answer.json["stored"] is False and "not stored" in answer.json["note"]
    assert _count(stocked_app) == 0


def _at_once(app, gateway, path, body, times) -> list:
    """The gateway posts the same body `times` times at once, each from its own client; the answers."""
    answers = []

    def send():
        answers.append(GatewayClient(app.test_client(), gateway.headers["Authorization"][7:]).post(path, body))

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_retries_store_one_message(held, stocked_app):
    rented, gateway, _ = held
    answers = _at_once(stocked_app, gateway, "/messages", _report(rented, received_at=None), 6)
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json["message"] for answer in answers}) == 1
    assert _count(stocked_app) == 1


def test_the_outbound_queue_is_pulled_acknowledged_and_reported(held, stocked_app):
    rented, gateway, _ = held
    with stocked_app.app_context():
        session = db.session()
        rental = session.get(Rental, rented.id)
        first = messages.queue_outbound(session, rental, "+4915112345678", "hello").id
        second = messages.queue_outbound(session, rental, "+33612345678", "bonjour").id
    queue = gateway.get("/outbound").json["messages"]
    assert [(m["id"], m["from"], m["text"], m["status"]) for m in queue] == [
        (first, rented.e164, "hello", "queued"), (second, rented.e164, "bonjour", "queued")]
    assert gateway.post(f"/outbound/{first}/ack").json["status"] == "sent"
    assert gateway.post(f"/outbound/{first}/ack").json["status"] == "sent"
    assert [m["id"] for m in gateway.get("/outbound").json["messages"]] == [second]
    assert gateway.post(f"/outbound/{first}/report", {"status": "delivered"}).json["delivered_at"]
    assert gateway.post(f"/outbound/{second}/report", {"status": "failed"}).status_code == 422
    failed = gateway.post(f"/outbound/{second}/report", {"status": "failed", "reason": "unreachable"})
    assert failed.json["status"] == "failed" and failed.json["reason"] == "unreachable"
    assert gateway.post(f"/outbound/{second}/report", {"status": "delivered"}).status_code == 409
    assert gateway.post(f"/outbound/{first}/report", {"status": "lost"}).status_code == 422
    # another gateway can't see or touch them
    other = rent(stocked_app, "ada@example.com", "FR")
    french = GatewayClient(stocked_app.test_client(), _token(stocked_app, _gateway_of(stocked_app, other.number_id)))
    assert french.get("/outbound").json["messages"] == []
    assert french.post(f"/outbound/{first}/ack").status_code == 404


def _mails(app, subject: str) -> list[str]:
    texts = [path.read_text() for path in Path(app.config["MAIL_DIR"]).glob("*.eml")]
    return [text for text in texts if f"Subject: Your number is {subject}" in text]


def test_a_silent_gateway_goes_offline_and_holders_get_one_mail_down_and_one_back(held, stocked_app, clock):
    rented, gateway, name = held
    start = storefront_clock.now()
    clock.set(start)
    assert gateway.post("/heartbeat").json["back_in_service"] is False
    with stocked_app.app_context():
        run_jobs(db.session(), start + timedelta(seconds=60))
        assert messages.number_in_service(db.session().get(Rental, rented.id))
        later = start + timedelta(seconds=301)
        clock.set(later)
        run_jobs(db.session(), later)
        run_jobs(db.session(), later + timedelta(seconds=30))  # twice: still one mail
        session = db.session()
        session.expire_all()
        assert not messages.number_in_service(session.get(Rental, rented.id))
        assert session.get(PhoneNumber, rented.number_id).state == "out_of_service"
    assert len(_mails(stocked_app, "out of service")) == 1
    assert rented.e164 in _mails(stocked_app, "out of service")[0]
    clock.set(start + timedelta(seconds=400))
    assert gateway.post("/heartbeat").json["back_in_service"] is True
    assert gateway.post("/heartbeat").json["back_in_service"] is False
    with stocked_app.app_context():
        run_jobs(db.session(), start + timedelta(seconds=410))
        session = db.session()
        assert messages.number_in_service(session.get(Rental, rented.id))
        assert session.get(PhoneNumber, rented.number_id).state == "rented"
    assert len(_mails(stocked_app, "back in service")) == 1
    assert len(_mails(stocked_app, "out of service")) == 1


def test_a_gateway_taken_offline_by_operations_stays_offline_on_a_heartbeat(held, stocked_app):
    _, gateway, name = held
    assert stocked_app.test_cli_runner().invoke(args=["hw", "set-offline", name]).exit_code == 0
    assert gateway.post("/heartbeat").json["back_in_service"] is False
    with stocked_app.app_context():
        assert db.session().scalar(select(Gateway.online).where(Gateway.name == name)) is False


def test_jobs_purge_bodies_after_the_retention_period(held, stocked_app, clock):
    rented, gateway, _ = held
    start = storefront_clock.now()
    clock.set(start)
    assert gateway.post("/messages", _report(rented, received_at=None)).status_code == 201
    with stocked_app.app_context():
        assert run_jobs(db.session(), start + timedelta(days=89))["message bodies purged"] == 0
        assert run_jobs(db.session(), start + timedelta(days=91))["message bodies purged"] == 1
        (message,) = db.session().scalars(select(Message)).all()
        assert message.body is None and message.sender == "+4915112345678"


def test_the_operations_page_shows_counts_per_gateway_never_bodies(held, stocked_app, clock):
    rented, gateway, name = held
    clock.set(storefront_clock.now())
    gateway.post("/heartbeat")
    for index in range(3):
        gateway.post("/messages", _report(rented, f"m{index}", received_at=None, text="secret code 991122"))
    with stocked_app.app_context():
        messages.queue_outbound(db.session(), db.session().get(Rental, rented.id), "+4915112345678", "hidden words")
    operator = staff_client(stocked_app, "ops@example.com", ("operations",))
    page = operator.get("/staff/operations").get_data(as_text=True)
    assert "today 3 messages in, 1 out" in page and "1 waiting to be sent" in page
    assert "secret code" not in page and "hidden words" not in page
    created = operator.post(f"/staff/operations/gateways/{name}/credential", data={})
    assert created.status_code == 200 and "ngw_" in created.get_data(as_text=True)
    assert gateway.post("/heartbeat").status_code == 401


def test_the_openapi_document_describes_every_route(stocked_app):
    document = stocked_app.test_client().get("/gateway/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    routes = {rule.rule.removeprefix("/gateway/v1").replace("<int:message_id>", "{message_id}")
              for rule in stocked_app.url_map.iter_rules() if rule.rule.startswith("/gateway/v1")}
    assert routes == set(document["paths"])


def _unheld_number_of(gateway) -> str:
    return next(entry["number"] for entry in gateway.get("/numbers").json["numbers"] if not entry["held"])


def test_a_batch_stores_each_report_once_and_answers_each_in_order(held, stocked_app, clock):
    rented, gateway, _ = held
    clock.set(storefront_clock.now())
    nobodys = _unheld_number_of(gateway)
    batch = {"messages": [
        _report(rented, "b-1", received_at=None, text="first"),
        _report(rented, "b-2", received_at=None, text="second"),
        _report(rented, "b-1", received_at=None, text="first, sent twice in the batch"),
        {"id": "b-3", "to": nobodys, "from": "Bank", "text": "for nobody"},
    ]}
    answer = gateway.post("/messages/batch", batch)
    assert answer.status_code == 200, answer.json
    results = answer.json["results"]
    assert [(r["id"], r["stored"]) for r in results] == [("b-1", True), ("b-2", True), ("b-1", True), ("b-3", False)]
    assert results[0]["message"] == results[2]["message"] != results[1]["message"]
    assert "not stored" in results[3]["note"]
    # The whole batch again (a lost answer): the same answers, nothing doubled.
    again = gateway.post("/messages/batch", batch)
    assert again.json == answer.json
    # A single report of a batched id is a replay too.
    single = gateway.post("/messages", _report(rented, "b-2", received_at=None))
    assert single.status_code == 201 and single.json["message"] == results[1]["message"]
    assert _count(stocked_app) == 2
    with stocked_app.app_context():
        session = db.session()
        assert session.get(PhoneNumber, rented.number_id).messages_received == 2
        stored = session.scalars(select(Message.body).order_by(Message.id)).all()
        assert stored == ["first", "second"]


@pytest.mark.parametrize("items,field", [
    ("not a list", "messages"),
    ([], "messages"),
    ([{"id": f"n{index}", "to": "+4915112345678", "from": "x", "text": "y"} for index in range(101)], "messages"),
])
def test_a_batch_that_is_not_1_to_100_reports_is_422(held, stocked_app, items, field):
    _, gateway, _ = held
    answer = gateway.post("/messages/batch", {"messages": items})
    assert answer.status_code == 422 and [error["field"] for error in answer.json["errors"]] == [field]
    assert _count(stocked_app) == 0


def test_one_bad_report_refuses_the_whole_batch_naming_each_bad_field(held, stocked_app):
    rented, gateway, _ = held
    answer = gateway.post("/messages/batch", {"messages": [
        _report(rented, "ok-1", received_at=None),
        _report(rented, "bad-1", received_at="yesterday", text=""),
        "not an object",
        _report(rented, "ok-2", received_at=None, **{"from": ""}),
    ]})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert [error["field"] for error in answer.json["errors"]] == [
        "messages[1].received_at", "messages[1].text", "messages[2]", "messages[3].from"]
    assert _count(stocked_app) == 0


def test_a_batch_naming_another_gateways_number_stores_nothing(held, stocked_app):
    rented, gateway, _ = held
    other = rent(stocked_app, "ada@example.com", "FR")
    answer = gateway.post("/messages/batch", {"messages": [
        _report(rented, "mine", received_at=None), _report(other, "theirs", received_at=None)]})
    assert answer.status_code == 404 and other.e164 in answer.json["detail"]
    assert _count(stocked_app) == 0
    with stocked_app.app_context():
        assert db.session().get(PhoneNumber, rented.number_id).messages_received == 0


def test_concurrent_retries_of_a_batch_store_each_message_once(held, stocked_app):
    rented, gateway, _ = held
    batch = {"messages": [_report(rented, f"c-{index}", received_at=None) for index in range(20)]}
    answers = _at_once(stocked_app, gateway, "/messages/batch", batch, 4)
    assert {answer.status_code for answer in answers} == {200}
    assert len({tuple(r["message"] for r in answer.json["results"]) for answer in answers}) == 1
    assert _count(stocked_app) == 20
    with stocked_app.app_context():
        assert db.session().get(PhoneNumber, rented.number_id).messages_received == 20


def test_a_batch_over_the_body_limit_is_413_problem_json_and_stores_nothing(held, stocked_app):
    import json

    rented, gateway, _ = held
    # 100 full-length texts fit as UTF-8; escaped as \uXXXX surrogate pairs (12 bytes a
    # character) they are about 1.9 MB, over the 1 MB limit.
    raw = json.dumps({"messages": [{"id": f"big-{index}", "to": rented.e164, "from": "Bank", "text": "😀" * 1600}
                                   for index in range(100)]}, ensure_ascii=True).encode()
    assert len(raw) > stocked_app.config["MAX_CONTENT_LENGTH"]
    answer = gateway.post("/messages/batch", raw=raw)
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"
    assert _count(stocked_app) == 0
    fits = json.dumps({"messages": [{"id": f"fit-{index}", "to": rented.e164, "from": "Bank", "text": "😀" * 1600}
                                    for index in range(100)]}, ensure_ascii=False).encode()
    assert len(fits) < stocked_app.config["MAX_CONTENT_LENGTH"]
    assert gateway.post("/messages/batch", raw=fits).status_code == 200
    assert _count(stocked_app) == 100
