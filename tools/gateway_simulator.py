"""A stand-in for the SIM gateways, speaking /gateway/v1 over HTTP (standard library only).

    python tools/gateway_simulator.py run   --base http://127.0.0.1:5000 --tokens instance/demo-gateway-tokens.json
    python tools/gateway_simulator.py burst --base URL --tokens FILE --messages 5000 [--retry-share 0.2] [--batch 50]

`run` (what `make run` starts): every gateway sends a heartbeat every few seconds, now and
then reports an inbound message (a verification code, a greeting) to one of its numbers
that someone holds, pulls its outbound queue, acknowledges each message and reports it
delivered a moment later.

`burst` (load tests, benchmarks): the gateways report MESSAGES inbound messages between
them at once, each from its own thread, and re-send a share of the reports as a gateway
does after a lost answer (some straight away, some concurrently from a second thread).
With `--batch N` each thread sends its reports N at a time (POST /messages/batch).
Prints a JSON summary: reports sent, answers by status, messages per second.

`--tokens` is a JSON object {gateway name: credential}; `flask demo load` writes one for
the demo gateways.
"""
import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from datetime import datetime, timezone

SENDERS = ["+4915112345678", "+436641234567", "PayPal", "Bank", "+33612345678", "DHL"]
TEXTS = [
    "Your verification code is {code}. It expires in 10 minutes.",
    "{code} is your login code. Don't share it with anyone.",
    "Hello! Just checking this number works.",
    "Your parcel arrives tomorrow between 10:00 and 12:00.",
    "Grüße aus Wien 👋 – ruf mich an, wenn du Zeit hast.",
]


class GatewayConnection:
    """One keep-alive HTTP connection of one gateway; reconnects when the server closed it."""

    def __init__(self, base: str, token: str, timeout: float = 30):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.prefix = parsed.path.rstrip("/") + "/gateway/v1"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.timeout = timeout
        self.connection = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in range(3):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, self.prefix + path, body=payload, headers=self.headers)
                response = self.connection.getresponse()
                raw = response.read()
                return response.status, (json.loads(raw) if raw else {})
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _message(number: str, rng: random.Random) -> dict:
    return {"id": uuid.uuid4().hex, "to": number, "from": rng.choice(SENDERS),
            "text": rng.choice(TEXTS).format(code=rng.randint(100000, 999999)), "received_at": _now()}


def load_tokens(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


# ---------------------------------------------------------------- run (make run)

def run(base: str, tokens: dict[str, str], interval: float, message_every: float, stop: threading.Event) -> None:
    threads = [threading.Thread(target=_run_gateway, args=(base, name, token, interval, message_every, stop),
                                daemon=True) for name, token in tokens.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _run_gateway(base, name, token, interval, message_every, stop: threading.Event) -> None:
    rng = random.Random(name)
    gateway = GatewayConnection(base, token)
    next_message = time.monotonic() + rng.uniform(2, message_every)
    sent: dict[int, float] = {}
    while not stop.is_set():
        try:
            status, _ = gateway.request("POST", "/heartbeat")
            if status == 401:
                print(f"simulator: {name}'s credential is not valid (run `flask demo load` again)", flush=True)
                return
            if time.monotonic() >= next_message:
                next_message = time.monotonic() + rng.uniform(message_every / 2, message_every * 1.5)
                _, listed = gateway.request("GET", "/numbers")
                held = [entry["number"] for entry in listed.get("numbers", []) if entry["held"]]
                if held:
                    report = _message(rng.choice(held), rng)
                    status, _ = gateway.request("POST", "/messages", report)
                    if rng.random() < 0.3:  # a lost answer: the gateway reports it again
                        gateway.request("POST", "/messages", report)
            _, queue = gateway.request("GET", "/outbound")
            for message in queue.get("messages", []):
                gateway.request("POST", f"/outbound/{message['id']}/ack")
                sent[message["id"]] = time.monotonic()
            for message_id, at in list(sent.items()):
                if time.monotonic() - at > 2:
                    outcome = {"status": "delivered"} if rng.random() < 0.95 else {"status": "failed",
                                                                                   "reason": "recipient unreachable"}
                    gateway.request("POST", f"/outbound/{message_id}/report", outcome)
                    del sent[message_id]
        except (OSError, http.client.HTTPException, ValueError):
            pass  # the server is restarting: try again next round
        stop.wait(interval)
    gateway.close()


# ---------------------------------------------------------------- burst (load tests, benchmarks)

def burst(base: str, tokens: dict[str, str], messages: int, retry_share: float = 0.2, threads_per_gateway: int = 2,
          seed: int = 14, batch: int = 1) -> dict:
    """Report `messages` inbound messages from all gateways at once; a share is re-sent.

    `batch` > 1: each thread sends its reports `batch` at a time to /messages/batch (a
    retried report may then sit twice in one batch); each report is counted under the
    status the single endpoint would have given it (201 stored, 202 not stored)."""
    rng = random.Random(seed)
    names = list(tokens)
    plans: dict[str, list[dict]] = {name: [] for name in names}
    numbers = {}
    for name in names:
        gateway = GatewayConnection(base, tokens[name])
        numbers[name] = [e["number"] for e in gateway.request("GET", "/numbers")[1]["numbers"] if e["held"]]
        gateway.close()
        if not numbers[name]:
            raise SystemExit(f"gateway {name} has no held number to report messages for")
    for index in range(messages):
        name = names[index % len(names)]
        plans[name].append(_message(rng.choice(numbers[name]), rng))
    # Retries: some re-sent by the same thread at once, some by a second thread (concurrently).
    work: list[tuple[str, list[dict]]] = []
    for name, reports in plans.items():
        lanes = [[] for _ in range(threads_per_gateway)]
        for index, report in enumerate(reports):
            lane = index % threads_per_gateway
            lanes[lane].append(report)
            if rng.random() < retry_share:
                lanes[lane].append(report)  # a retry after a lost answer
                lanes[(lane + 1) % threads_per_gateway].append(report)  # and one racing it
        work.extend((name, lane) for lane in lanes)
    statuses: Counter = Counter()
    stored_ids: dict[str, set] = {}
    lock = threading.Lock()

    def send(name: str, reports: list[dict]) -> None:
        gateway = GatewayConnection(base, tokens[name])
        seen = Counter()
        ids = {}
        if batch <= 1:
            for report in reports:
                status, answer = gateway.request("POST", "/messages", report)
                seen[status] += 1
                if status == 201:
                    ids.setdefault(report["id"], set()).add(answer["message"])
        for start in range(0, len(reports), batch) if batch > 1 else ():
            chunk = reports[start:start + batch]
            status, answer = gateway.request("POST", "/messages/batch", {"messages": chunk})
            if status != 200:
                seen[status] += len(chunk)
                continue
            for report, result in zip(chunk, answer["results"]):
                seen[201 if result["stored"] else 202] += 1
                if result["stored"]:
                    ids.setdefault(report["id"], set()).add(result["message"])
        gateway.close()
        with lock:
            statuses.update(seen)
            for gateway_id, message_ids in ids.items():
                stored_ids.setdefault(f"{name}:{gateway_id}", set()).update(message_ids)

    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=item) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    reports_sent = sum(statuses.values())
    return {
        "messages": messages,
        "reports_sent": reports_sent,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "distinct_answers": len(stored_ids),
        # A replay must answer with the first message's id: more than one id per report is a double.
        "answers_naming_two_messages": sum(1 for ids in stored_ids.values() if len(ids) > 1),
        "seconds": round(elapsed, 2),
        "reports_per_second": round(reports_sent / elapsed, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["run", "burst"])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--tokens", default="instance/demo-gateway-tokens.json")
    parser.add_argument("--interval", type=float, default=10, help="run: seconds between heartbeats")
    parser.add_argument("--message-every", type=float, default=30, help="run: about this many seconds per message")
    parser.add_argument("--messages", type=int, default=1000, help="burst: how many messages")
    parser.add_argument("--retry-share", type=float, default=0.2, help="burst: share of reports sent again")
    parser.add_argument("--threads-per-gateway", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1, help="burst: reports per request (/messages/batch when > 1)")
    args = parser.parse_args(argv)
    tokens = load_tokens(args.tokens)
    if args.mode == "burst":
        print(json.dumps(burst(args.base, tokens, args.messages, args.retry_share, args.threads_per_gateway,
                               batch=args.batch)))
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"Gateway simulator: {len(tokens)} gateways reporting to {args.base}", flush=True)
    run(args.base, tokens, args.interval, args.message_every, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
