"""Bearer-token authentication of the User API."""
from functools import wraps

from flask import g, request

from storefront import db
from storefront.errors import problem
from storefront.services.api_tokens import user_for_token


def token_required(view):
    """Answer 401 problem+json unless `Authorization: Bearer <token>` names a live token."""

    @wraps(view)
    def guarded(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = user_for_token(db.session(), token.strip()) if scheme.lower() == "bearer" and token else None
        if user is None:
            response = problem(
                401, "Unauthorized", "Send a valid API token as `Authorization: Bearer <token>`.",
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        g.api_user = user
        return view(*args, **kwargs)

    return guarded
