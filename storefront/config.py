"""Settings, read from the environment in one place, with development defaults."""
import os
from urllib.parse import urlsplit

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"
# Development's Stripe settings: they talk to localstripe and must never reach production.
DEVELOPMENT_STRIPE_SECRET_KEY = "sk_test_local"
DEVELOPMENT_STRIPE_PUBLISHABLE_KEY = "pk_test_local"
DEVELOPMENT_WEBHOOK_SECRET = "whsec_local"


# Standard rates of EU member states (percent), VAT included in every price.
DEFAULT_VAT_RATES = ("AT:20,BE:21,BG:20,CY:19,CZ:21,DE:19,DK:25,EE:22,ES:21,FI:25.5,FR:20,GR:24,HR:25,HU:27,"
                     "IE:23,IT:22,LT:21,LU:17,LV:21,MT:18,NL:21,PL:23,PT:23,RO:19,SE:25,SI:22,SK:23")


def parse_vat_rates(text: str) -> dict[str, str]:
    """"DE:19,FR:20" → {"DE": "19", "FR": "20"} (rates stay text: Decimal is made where used)."""
    rates = {}
    for pair in text.split(","):
        if ":" in pair:
            country, rate = pair.split(":", 1)
            rates[country.strip().upper()] = rate.strip()
    return rates


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
        # Saved-card top-ups send `off_session=true`; unset: yes with api.stripe.com, no with an
        # API base of our own (localstripe refuses the parameter). "1" / "0" decide explicitly.
        "STRIPE_OFF_SESSION": {"1": True, "0": False}.get(os.environ.get("STRIPE_OFF_SESSION", "")),
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
        # A signed-in customer's own pages (their numbers, the review), kept per process for
        # that one session; their own forms always get a fresh page (0 turns it off).
        "PERSONAL_PAGE_CACHE_SECONDS": float(os.environ.get("PERSONAL_PAGE_CACHE_SECONDS", "1")),
        # The same for the stock counts the landing page shows (selling always checks).
        "STOCK_RECHECK_SECONDS": float(os.environ.get("STOCK_RECHECK_SECONDS", "1")),
        # A gateway that sent no heartbeat for this long is offline: its numbers are out of service.
        "GATEWAY_SILENCE_SECONDS": int(os.environ.get("GATEWAY_SILENCE_SECONDS", "300")),
        # Message bodies are kept this many days, then purged by `jobs run` (counts stay).
        "MESSAGE_RETENTION_DAYS": int(os.environ.get("MESSAGE_RETENTION_DAYS", "90")),
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
        # Sending from a number, counted per number: faster gets a SIM blocked by its network.
        "MESSAGES_PER_MINUTE": int(os.environ.get("MESSAGES_PER_MINUTE", "6")),
        "MESSAGES_PER_HOUR": int(os.environ.get("MESSAGES_PER_HOUR", "60")),
        # How long the link of the sign-up e-mail (verify the address) works.
        "EMAIL_VERIFY_MAX_AGE": int(os.environ.get("EMAIL_VERIFY_MAX_AGE", str(7 * 24 * 60 * 60))),
        # Where customers reach the site: links in e-mails sent by the jobs command.
        # (PUBLIC_BASE_URL below when set, the same address.)
        "PUBLIC_URL": (os.environ.get("PUBLIC_BASE_URL") or os.environ.get("PUBLIC_URL")
                       or "http://127.0.0.1:5000").rstrip("/"),
        # The seller printed on invoices, receipts and credit notes.
        "SELLER_NAME": os.environ.get("SELLER_NAME", "Numbers Demo GmbH"),
        "SELLER_ADDRESS": os.environ.get("SELLER_ADDRESS", "Beispielstraße 1\n10115 Berlin\nGermany"),
        "SELLER_COUNTRY": os.environ.get("SELLER_COUNTRY", "DE"),
        "SELLER_VAT_ID": os.environ.get("SELLER_VAT_ID", "DE000000000"),
        # VAT contained in prices, by the customer's billing country ("DE:19,FR:20,..."); a
        # country not listed pays the seller country's rate.
        "VAT_RATES": parse_vat_rates(os.environ.get("VAT_RATES", DEFAULT_VAT_RATES)),
        "SELLER_EMAIL": os.environ.get("SELLER_EMAIL", "support@numbers.example"),
        # Contact form: questions per visitor's address (spam and floods are refused politely).
        "CONTACT_RATE_LIMIT": os.environ.get("CONTACT_RATE_LIMIT", "5 per hour; 20 per day"),
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
