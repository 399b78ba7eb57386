"""One way to answer the browser: a full page, or one block of it for htmx."""
from flask import Flask, make_response, render_template, request
from jinja2_fragments.flask import render_block

from storefront.formatting import phone, phone_country, when



def render(template: str, block: str | None = None, status: int = 200, **context):
    """Render `template`, or only its `block` when htmx asked (request.htmx).

    The page and its fragment come from the same template, so they cannot drift apart.
    """
    if block and request.htmx:
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.filters["money"] = str
    # The one way to write a date or time (`{{ x|when }}`, `{{ x|when(time=True) }}`) and a
    # phone number (`{{ e164|phone }}`, `{{ e164|phone_country }}`): storefront/formatting.py.
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["phone"] = phone
    app.jinja_env.filters["phone_country"] = phone_country
