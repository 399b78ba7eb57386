"""Messages of a rental: inbound reports (idempotent, only the gateway's own numbers, only
for the current holder), the outbound states, retention, and the unused-return rule."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hardware.models import PhoneNumber
from storefront import clock as storefront_clock, db
from storefront.models import Message, Rental
from storefront.problems import InvalidRequest
from storefront.services import messages, rentals
from tests.storefront.rental_factory import rent


def _number(session, number_id) -> PhoneNumber:
    return session.get(PhoneNumber, number_id)


def _report(session, gateway, to, message_id="m-1", text="Your code is 123456", **more):
    return messages.record_inbound(session, gateway, gateway_message_id=message_id, to=to,
                                   sender=more.pop("sender", "+4915112345678"), text=text, **more)


def test_an_inbound_report_is_stored_once_for_the_holder_and_counts_as_traffic(customers, stocked_app):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", hours_ago=1)
    with stocked_app.app_context():
        session = db.session()
        gateway = _number(session, rented.number_id).gateway
        first = _report(session, gateway, rented.e164)
        again = _report(session, gateway, rented.e164)
        assert first.message.id == again.message.id and again.replay and not first.replay
        assert session.scalar(select(func.count()).select_from(Message)) == 1
        assert first.message.rental_id == rented.id and first.message.body == "Your code is 123456"
        assert _number(session, rented.number_id).messages_received == 1
        rental = session.get(Rental, rented.id)
        check = rentals.return_check(session, rental)
        assert not check.eligible and "messages" in check.reason


def test_a_number_without_traffic_stays_returnable(customers, stocked_app):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", hours_ago=1)
    with stocked_app.app_context():
        session = db.session()
        assert rentals.return_check(session, session.get(Rental, rented.id)).eligible


def test_a_gateway_may_report_only_for_its_own_numbers(customers, stocked_app):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    other = rent(stocked_app, "ada@example.com", "FR")
    with stocked_app.app_context():
        session = db.session()
        french_gateway = _number(session, other.number_id).gateway
        with pytest.raises(messages.NotYourNumber):
            _report(session, french_gateway, rented.e164)
        assert session.scalar(select(func.count()).select_from(Message)) == 0


@pytest.mark.parametrize("field,value", [("text", ""), ("text", "   "), ("text", "x" * 1601), ("text", "\ud800"),
                                         ("text", "a\x00b"), ("to", "12345"), ("sender", ""), ("id", "")])
def test_bad_fields_are_named(customers, stocked_app, field, value):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    with stocked_app.app_context():
        session = db.session()
        gateway = _number(session, rented.number_id).gateway
        fields = {"message_id": "m-1", "to": rented.e164, "sender": "+4915112345678", "text": "hello"}
        fields[{"id": "message_id"}.get(field, field)] = value
        with pytest.raises(InvalidRequest) as raised:
            messages.record_inbound(session, gateway, gateway_message_id=fields["message_id"], to=fields["to"],
                                    sender=fields["sender"], text=fields["text"])
        assert raised.value.errors[0].field == field


def test_a_recycled_number_shows_its_new_holder_nothing_old(customers, stocked_app, clock):
    customers.signed_in()
    customers.signed_in("bob@example.com")
    first = rent(stocked_app, "ada@example.com")
    with stocked_app.app_context():
        session = db.session()
        gateway = _number(session, first.number_id).gateway
        _report(session, gateway, first.e164, "old")
        with db.transaction(session):
            old = session.get(Rental, first.id)
            old.status = "returned"
            _number(session, first.number_id).state = "available"
        assert _report(session, gateway, first.e164, "between").message is None  # nobody holds it
    second = rent(stocked_app, "bob@example.com")
    assert second.number_id == first.number_id
    with stocked_app.app_context():
        session = db.session()
        assert messages.messages_of(session, session.get(Rental, second.id)) == []
        # A late retry of a report from before the new holder rented it is not theirs either.
        late = _report(session, gateway, first.e164, "late", received_at=storefront_clock.now() - timedelta(days=1))
        assert late.message is None
        assert messages.messages_of(session, session.get(Rental, second.id)) == []
        assert [m.body for m in messages.messages_of(session, session.get(Rental, first.id))] == ["Your code is 123456"]


def test_outbound_goes_queued_sent_delivered_or_failed(customers, stocked_app):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", hours_ago=1)
    with stocked_app.app_context():
        session = db.session()
        rental = session.get(Rental, rented.id)
        with pytest.raises(InvalidRequest) as raised:
            messages.queue_outbound(session, rental, "not a number", "hi")
        assert raised.value.errors[0].field == "recipient"
        first = messages.queue_outbound(session, rental, "+4915112345678", "hello")
        second = messages.queue_outbound(session, rental, "+4915112345678", "again")
        gateway = _number(session, rented.number_id).gateway
        assert [m.id for m in messages.outbound_queue(session, gateway)] == [first.id, second.id]
        assert messages.mark_sent(session, gateway, first.id).status == "sent"
        assert messages.mark_sent(session, gateway, first.id).status == "sent"  # a repeated ack is harmless
        assert messages.mark_delivered(session, gateway, first.id).delivered_at is not None
        assert messages.mark_failed(session, gateway, second.id, "no signal").failure_reason == "no signal"
        with pytest.raises(messages.MessageError):
            messages.mark_delivered(session, gateway, second.id)
        assert messages.outbound_queue(session, gateway) == []
        assert _number(session, rented.number_id).messages_sent == 2
        assert not rentals.return_check(session, rental).eligible


def test_retention_purges_old_bodies_in_batches_and_keeps_the_counts(customers, stocked_app, clock):
    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", months_ago=5)
    with stocked_app.app_context():
        session = db.session()
        gateway = _number(session, rented.number_id).gateway
        for index in range(5):
            _report(session, gateway, rented.e164, f"old-{index}", now=storefront_clock.now() - timedelta(days=91))
        _report(session, gateway, rented.e164, "new")
        assert messages.purge_bodies(session, storefront_clock.now(), days=90, batch=2) == 5
        kept = messages.messages_of(session, session.get(Rental, rented.id))
        assert [m.body is None for m in kept] == [False] + [True] * 5
        assert messages.count_by_rental(session, [rented.id])[rented.id]["in"] == 6
        assert messages.purge_bodies(session, storefront_clock.now(), days=90) == 0


def test_a_short_term_pool_number_belongs_to_its_gateway_and_goes_out_with_it(customers, stocked_app):
    from hardware import inventory

    customers.signed_in()
    rented = rent(stocked_app, "ada@example.com", "DE", "short", months=1)
    with stocked_app.app_context():
        session = db.session()
        number = _number(session, rented.number_id)
        assert number.sim is None and number.gateway is not None
        gateway = number.gateway
        assert _report(session, gateway, rented.e164).message.rental_id == rented.id
        assert messages.number_in_service(session.get(Rental, rented.id))
        with db.transaction(session):
            inventory.set_gateway_online(session, gateway.name, False)
        assert _number(session, rented.number_id).state == "out_of_service"
        assert not messages.number_in_service(session.get(Rental, rented.id))
        with db.transaction(session):
            inventory.set_gateway_online(session, gateway.name, True)
        assert _number(session, rented.number_id).state == "rented"
