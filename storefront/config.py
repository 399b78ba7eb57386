"""Settings, read from the environment in one place, with development defaults."""
import os
from urllib.parse import urlsplit

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"
# Development's Stripe settings: they talk to localstripe and must never reach production.
DEVELOPMENT_STRIPE_SECRET_KEY = "sk_test_local"
DEVELOPMENT_STRIPE_PUBLISHABLE_KEY = "pk_test_local"
DEVELOPMENT_WEBHOOK_SECRET = "whsec_local"


class ConfigurationError(RuntimeError):
    """The app was asked to run in production with an unsafe setting."""


def from_environment(instance_path: str) -> dict:
    environment = os.environ.get("STOREFRONT_ENV", "development")
    settings = {
        "ENVIRONMENT": environment,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{os.path.join(instance_path, 'storefront.sqlite3')}"
        ),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", DEVELOPMENT_STRIPE_SECRET_KEY),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", DEVELOPMENT_STRIPE_PUBLISHABLE_KEY),
        # Unset means the official api.stripe.com; development points it at localstripe.
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE"),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", DEVELOPMENT_WEBHOOK_SECRET),
        # Stripe.js: the official script with real keys; localstripe's stand-in in development.
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "DEFAULT_COUNTRY": os.environ.get("DEFAULT_COUNTRY", "DE"),
        # How long a process shows prices from its cached catalog before asking the database
        # whether another process imported a new one (charges always ask).
        "CATALOG_RECHECK_SECONDS": float(os.environ.get("CATALOG_RECHECK_SECONDS", "1")),
        # The same for the published copy (landing sections, FAQ) of other processes.
        "COPY_RECHECK_SECONDS": float(os.environ.get("COPY_RECHECK_SECONDS", "1")),
        # Anonymous visitors' landing page and FAQ, kept per process (0 turns it off).
        "PAGE_CACHE_SECONDS": float(os.environ.get("PAGE_CACHE_SECONDS", "1")),
        # The same for the stock counts the landing page shows (selling always checks).
        "STOCK_RECHECK_SECONDS": float(os.environ.get("STOCK_RECHECK_SECONDS", "1")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Production sends the session cookie over HTTPS only, unless this says otherwise
        # (e.g. a trial run on a private network without TLS).
        "ALLOW_INSECURE_COOKIES": os.environ.get("ALLOW_INSECURE_COOKIES", "0") == "1",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Rate limits (Flask-Limiter) on sign-in and the like; only the load tests turn them
        # off, where 200 customers sign in from one address.
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        # Rate limits are shared by every worker through Redis when it is set.
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Per API token (or per address without one).
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        # E-mail: SMTP when SMTP_HOST is set; otherwise written to MAIL_DIR as .eml files.
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Numbers <hello@numbers.example>"),
        "MAIL_DIR": os.environ.get("MAIL_DIR", os.path.join(instance_path, "mail")),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "1") == "1",
        "PASSWORD_RESET_MAX_AGE": 60 * 60,
        # The address customers reach the shop at (https://shop.example): links in e-mails,
        # sitemap.xml, robots.txt and the OpenAPI `servers` are built from it, never from the
        # request's Host header. Development leaves it unset and uses the (trusted) request host.
        "PUBLIC_BASE_URL": (os.environ.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
        # How many reverse proxies stand in front of the app (each adds itself to
        # X-Forwarded-For): 0 trusts no forwarded header at all.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0") or "0"),
        # TOTP issuer name shown by authenticator apps.
        "TOTP_ISSUER": os.environ.get("TOTP_ISSUER", "Numbers storefront"),
        # `make bench` only: adds /_bench/bare, an endpoint that does nothing (the floor).
        "BENCHMARK_ENDPOINT": os.environ.get("STOREFRONT_BENCHMARK", "0") == "1",
    }
    settings["TRUSTED_HOSTS"] = trusted_hosts(os.environ.get("TRUSTED_HOSTS"), settings["PUBLIC_BASE_URL"],
                                              environment)
    if environment == "production":
        problems = unsafe_in_production(settings)
        if problems:
            raise ConfigurationError(
                "Refusing to start in production:\n" + "\n".join(f"- {problem}" for problem in problems)
            )
    return settings


DEVELOPMENT_HOSTS = ["localhost", "127.0.0.1", "::1"]


def trusted_hosts(raw: str | None, public_base_url: str | None, environment: str) -> list[str]:
    """The Host headers the app answers (Flask's TRUSTED_HOSTS): a request for any other
    host gets a 400. From TRUSTED_HOSTS (comma-separated; `.example.com` allows its
    subdomains), else the host of PUBLIC_BASE_URL, plus the loopback names in development."""
    hosts = [host.strip() for host in (raw or "").split(",") if host.strip()]
    if not hosts and public_base_url:
        hosts = [urlsplit(public_base_url).hostname or ""]
    if environment != "production":
        hosts += [host for host in DEVELOPMENT_HOSTS if host not in hosts]
    return [host for host in hosts if host]


def unsafe_in_production(settings: dict) -> list[str]:
    """Every development setting left in `settings`, each naming its variable and what to do."""
    problems = []
    if settings["SECRET_KEY"] in (DEFAULT_SECRET_KEY, ""):
        problems.append("SECRET_KEY is the default development key: set it to a long random value.")
    for variable, development, kind in (
        ("STRIPE_SECRET_KEY", DEVELOPMENT_STRIPE_SECRET_KEY, "the secret key (sk_live_...)"),
        ("STRIPE_PUBLISHABLE_KEY", DEVELOPMENT_STRIPE_PUBLISHABLE_KEY, "the publishable key (pk_live_...)"),
        ("STRIPE_WEBHOOK_SECRET", DEVELOPMENT_WEBHOOK_SECRET, "the signing secret of the webhook endpoint (whsec_...)"),
    ):
        if settings[variable] in (development, ""):
            if os.environ.get(variable):
                shown = f"'{development}', development's value for localstripe"
            else:
                shown = f"unset, which means development's '{development}' for localstripe"
            problems.append(f"{variable} is {shown}: set it to {kind} from your Stripe dashboard.")
    base = urlsplit(settings["PUBLIC_BASE_URL"] or "")
    if not (base.scheme in ("http", "https") and base.hostname):
        problems.append("PUBLIC_BASE_URL is not set: set it to the address customers use, e.g. "
                        "https://shop.example (links in e-mails are built from it).")
    if not settings["SESSION_COOKIE_SECURE"] and not settings["ALLOW_INSECURE_COOKIES"]:
        problems.append(
            "SESSION_COOKIE_SECURE is off, so the sign-in cookie would travel over plain HTTP: serve the "
            "site over HTTPS and set SESSION_COOKIE_SECURE=1 (or, knowingly, ALLOW_INSECURE_COOKIES=1)."
        )
    return problems
