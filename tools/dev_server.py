"""`make run`: localstripe and the storefront together, stopped together."""
import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stripe_standin import LocalStripe  # noqa: E402

WEBHOOK_SECRET = "whsec_local_development"


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    environment = dict(os.environ)
    stripe = None
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
    flask = Path(sys.executable).with_name("flask")
    server = subprocess.Popen([str(flask), "--app", "storefront", "run", "--host", host, "--port", port],
                              env=environment)
    # Stopped by a signal (kill, a process manager): stop the server too, then localstripe.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return 0
    finally:
        if stripe:
            stripe.stop()


if __name__ == "__main__":
    sys.exit(main())
