"""Messages made as the gateways would report them, for the tests of the number's page,
its API and forwarding (helpers, not fixtures)."""
import hashlib
import hmac
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from storefront import db
from storefront.models import Rental
from storefront.services import messages as message_service

_ids = itertools.count(1)


def receive(app, rental_id: int, text: str, sender: str = "+4915112345678"):
    """A message on the rental's number, reported by the number's own gateway; its id."""
    with app.app_context():
        session = db.session()
        rental = session.get(Rental, rental_id)
        result = message_service.record_inbound(session, rental.number.gateway, gateway_message_id=f"t{next(_ids)}",
                                                to=rental.number.e164, sender=sender, text=text)
        return result.message.id if result.message else None


class Receiver:
    """A customer's webhook receiver on a local port: answers `status` (500 while "down"),
    keeps each request it accepted as (headers, body)."""

    def __init__(self, port: int = 0):
        self.status = 200
        self.accepted: list[tuple[dict, bytes]] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {name: self.headers[name] for name in ("Content-Type", "X-Signature", "X-Event-Id")}
                if receiver.status < 300:
                    receiver.accepted.append((headers, body))
                else:
                    receiver.refused += 1
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/sms"

    def events(self, secret: str) -> list[dict]:
        """What a receiver does: check each signature over the exact bytes, then read the JSON."""
        events = []
        for headers, body in self.accepted:
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            assert hmac.compare_digest(headers["X-Signature"], expected)
            event = json.loads(body)
            assert event["id"] == headers["X-Event-Id"]
            events.append(event)
        return events

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
