"""Run localstripe (a stateful Stripe stand-in from PyPI) on a free local port.

Used by `make run` (tools/dev_server.py) and by the test suite, so neither needs real
Stripe keys. Real keys in the environment bypass it entirely.

localstripe's own command listens on every interface (`::`) and has no option to say
otherwise, so this file also starts it itself (`python tools/stripe_standin.py serve
PORT`), listening on 127.0.0.1 only: nobody else on the network reaches it.
"""
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

WEBHOOK_EVENTS = [
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.deleted",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalStripe:
    def __init__(self, port: int | None = None, log_path: Path | None = None):
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.js_url = f"{self.base_url}/js.stripe.com/v3/"
        self._log = open(log_path, "ab") if log_path else None  # noqa: SIM115 - closed in stop()
        output = self._log or subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "serve", str(self.port)], stdout=output, stderr=output
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("localstripe exited at start")
            try:
                urllib.request.urlopen(self.js_url, timeout=1).close()
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError(f"localstripe did not answer on {self.base_url}")

    def register_webhook(self, url: str, secret: str, name: str = "storefront",
                         events: list[str] | None = None) -> None:
        events = WEBHOOK_EVENTS if events is None else events
        body = json.dumps({"url": url, "secret": secret, "events": events}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/_config/webhooks/{name}", data=body, method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=5).close()

    def unregister_webhook(self, name: str = "storefront") -> None:
        """localstripe has no way to delete a webhook: this one now listens to no event, so a
        later test's payments are not reported to whatever server the shared port serves then
        (events already waiting their second are checked at sending time: they are dropped too)."""
        self.register_webhook("http://127.0.0.1:9/", "unused", name, events=[])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._log:
            self._log.close()


def serve(port: int) -> None:
    """localstripe's `start()`, from scratch, on 127.0.0.1 only (not on every interface)."""
    import logging

    from aiohttp import web
    from localstripe.server import app

    access_log = logging.getLogger("aiohttp.access")
    access_log.setLevel(logging.DEBUG)
    access_log.addHandler(logging.StreamHandler())
    web.run_app(app, host="127.0.0.1", port=port, access_log=access_log, print=None)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "serve":
        sys.exit("usage: python tools/stripe_standin.py serve PORT")
    serve(int(sys.argv[2]))
