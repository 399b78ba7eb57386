"""RFC 9457 problem details: the one shape every API error takes."""
from flask import jsonify

from pricing import FieldError

PROBLEM_TYPES = "https://numbers.example/problems/"


def problem(status: int, title: str, detail: str, errors: list[FieldError] | None = None, slug=None, **extensions):
    """A problem+json answer; `extensions` are extra members (RFC 9457 §3.2), e.g. the new quote."""
    body = {
        "type": PROBLEM_TYPES + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": error.field, "message": error.message} for error in errors]
    body.update(extensions)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response
