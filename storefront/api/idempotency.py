"""`Idempotency-Key` on API POSTs that move money (SPEC §8).

The same key with the same request answers the first successful answer again; the same key
with another request is a 409; a retry while the first is still running is a 409 too. A
refusal (4xx) or failure (5xx) is not kept: the key is free again for a retry.
"""
import hashlib
from functools import wraps

from flask import g, jsonify, make_response, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from storefront import db
from storefront.errors import problem
from storefront.models import IdempotentRequest

MAX_KEY_LENGTH = 255


def _request_hash() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent(view):
    """Wrap a token-authenticated view (g.api_user is set) that answers JSON."""

    @wraps(view)
    def guarded(*args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view(*args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return problem(422, "Invalid Idempotency-Key", f"Keys are at most {MAX_KEY_LENGTH} characters.")
        session = db.session()
        user_id = g.api_user.id
        # Start clean: the claim below must be its own transaction. Nothing written yet (the
        # usual case): end the read transaction by committing, which keeps what was loaded
        # (g.api_user) instead of expiring it and reading it again.
        if session.new or session.dirty or session.deleted:
            session.rollback()
        else:
            session.commit()
        fingerprint = _request_hash()
        try:
            session.add(IdempotentRequest(user_id=g.api_user.id, key=key, request_hash=fingerprint))
            session.commit()
        except IntegrityError:
            session.rollback()
            earlier = session.scalar(
                select(IdempotentRequest).where(
                    IdempotentRequest.user_id == g.api_user.id, IdempotentRequest.key == key
                )
            )
            if earlier.request_hash != fingerprint:
                return problem(409, "Idempotency-Key reused",
                               "This Idempotency-Key was used for a different request.")
            if earlier.status_code is None:
                return problem(409, "Request in progress",
                               "A request with this Idempotency-Key is still being processed; retry shortly.")
            response = jsonify(earlier.body)
            response.status_code = earlier.status_code
            if earlier.status_code >= 400:
                response.mimetype = "application/problem+json"
            response.headers["Idempotent-Replayed"] = "true"
            return response

        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            # A refusal raised as an error (402, 409, 422: errors.py answers it) or a crash:
            # nothing was done, so the key is released for a retry.
            try:
                _release(session, user_id, key)
            except Exception:  # noqa: BLE001 - the database is gone: the first error tells
                session.rollback()
            raise
        session.rollback()  # whatever the view left unfinished is not kept
        if response.status_code >= 400:
            # Released, not kept (as Stripe does for requests it refused): a refusal changed
            # nothing, so the same key may be sent again once its cause is fixed (a top-up after
            # a 402, a corrected field after a 422); a 5xx was a failure of ours.
            _release(session, user_id, key)
            return response
        # One UPDATE by key (no read of the claim first, no reload of the expired user).
        session.execute(update(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id, IdempotentRequest.key == key,
        ).values(status_code=response.status_code, body=response.get_json()))
        session.commit()
        return response

    return guarded


def _release(session, user_id: int, key: str) -> None:
    session.rollback()
    session.execute(delete(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key))
    session.commit()
