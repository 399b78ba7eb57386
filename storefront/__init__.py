"""The storefront: a Flask app that sells short- and long-term phone numbers."""
import os

from flask import Flask
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

csrf = CSRFProtect()
htmx = Htmx()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    from storefront import config

    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    if app.config.get("PROXY_COUNT"):
        # Behind PROXY_COUNT reverse proxies: the client's address, scheme and host are the
        # ones the outermost proxy saw (X-Forwarded-*); sign-in limits count per real client.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    csrf.init_app(app)
    htmx.init_app(app)

    from storefront import cli, db, input_guards, limits, rendering, request_log, security, static_files
    from storefront import page_cache
    from storefront.services import operations

    from storefront import stripe_gateway
    from storefront.services import forwarding, outbox

    static_files.init_app(app)  # first: its compression runs after every other hook
    request_log.init_app(app)
    limits.init_app(app)
    security.init_app(app)
    input_guards.init_app(app)
    stripe_gateway.init_app(app)
    db.init_app(app)
    operations.init_app(app)
    page_cache.init_app(app)
    rendering.init_app(app)
    cli.init_app(app)
    outbox.init_app(app)
    forwarding.init_app(app)

    from storefront.account import bp as account_bp
    from storefront.api import bp as api_bp
    from storefront.auth import bp as auth_bp
    from storefront.auth.login_manager import init_app as init_login
    from storefront.errors import init_app as init_errors
    from storefront.gateway import bp as gateway_bp
    from storefront.payments import bp as payments_bp
    from storefront.public import bp as public_bp
    from storefront.reserve import bp as reserve_bp
    from storefront.shop import bp as shop_bp
    from storefront.staff import bp as staff_bp

    init_login(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(gateway_bp, url_prefix="/gateway/v1")
    app.register_blueprint(shop_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(reserve_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(payments_bp, url_prefix="/payments")
    csrf.exempt(api_bp)
    csrf.exempt(gateway_bp)
    from storefront.payments.routes import webhook

    csrf.exempt(webhook)
    init_errors(app)
    if app.config.get("BENCHMARK_ENDPOINT"):
        from storefront import benchmark

        benchmark.init_app(app)
    return app
