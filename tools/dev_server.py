"""`make run`: localstripe and the storefront together, stopped together.

Ctrl+C (SIGINT) or SIGTERM stops the storefront, then localstripe, and exits with
status 0: a stop by signal is the normal way to end a development server, so `make`
reports no error for it.
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stripe_standin import LocalStripe  # noqa: E402

WEBHOOK_SECRET = "whsec_local_development"


def _start_gateway_simulator(host: str, port: str, environment: dict):
    """The gateway simulator (tools/gateway_simulator.py) against this server, with the
    credentials `flask demo load` wrote; the demo numbers get demo messages."""
    tokens = Path("instance") / "demo-gateway-tokens.json"
    if not tokens.exists() or os.environ.get("GATEWAY_SIMULATOR", "1") == "0":
        return None
    print("Gateway simulator: heartbeats and demo messages for the demo numbers "
          "(GATEWAY_SIMULATOR=0 turns it off).", flush=True)
    return subprocess.Popen([sys.executable, str(Path(__file__).with_name("gateway_simulator.py")), "run",
                             "--base", f"http://{host}:{port}", "--tokens", str(tokens)], env=environment)


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    environment = dict(os.environ)
    stopping = []
    # A signal before the server starts (e.g. while localstripe comes up) just ends the run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    stripe = None
    server = None
    simulator = None
    try:
        if not os.environ.get("STRIPE_API_BASE") and not os.environ.get("STRIPE_SECRET_KEY", "").startswith("sk_live"):
            stripe = LocalStripe(log_path=Path("instance") / "localstripe.log")
            stripe.register_webhook(f"http://{host}:{port}/payments/webhook", WEBHOOK_SECRET)
            environment.update(
                STRIPE_API_BASE=stripe.base_url,
                STRIPE_JS_URL=stripe.js_url,
                STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                STRIPE_SECRET_KEY="sk_test_local",
                STRIPE_PUBLISHABLE_KEY="pk_test_local",
            )
            print(f"localstripe (Stripe stand-in): {stripe.base_url}", flush=True)
        print(f"Storefront: http://{host}:{port}/", flush=True)
        print("Development e-mails (password resets, reminders) are written to instance/mail"
              " and listed here as they are sent.", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        flask = Path(sys.executable).with_name("flask")
        server = subprocess.Popen([str(flask), "--app", "storefront", "run", "--host", host, "--port", port],
                                  env=environment)

        def stop(signum, _frame):
            # Ctrl+C reaches the whole terminal's process group, the server included, but
            # SIGTERM (kill, a process manager) reaches only us, and a server started in
            # the background may ignore SIGINT: end it with SIGTERM either way.
            stopping.append(signum)
            if server.poll() is None:
                server.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        simulator = _start_gateway_simulator(host, port, environment)
        status = server.wait()
    except KeyboardInterrupt:  # Ctrl+C before the handlers were in place
        stopping.append(signal.SIGINT)
        status = 0
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if simulator is not None and simulator.poll() is None:
            simulator.terminate()
            simulator.wait(timeout=10)
        if stripe:
            stripe.stop()
    if stopping:
        print("Stopped.", flush=True)
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
