"""Query parameters an operation does not document, or given empty, are refused, as Stripe
refuses an unknown parameter: a typo (`?limt=5`, `?tier_month=6`) would otherwise be ignored without a word and
answer something the client did not ask for. The OpenAPI document is the one list of what
each operation takes, so the check and the documentation cannot drift apart."""
import copy
import re

from flask import Blueprint, request

from pricing import FieldError
from storefront.problems import InvalidRequest

UNKNOWN = "is not a parameter of this operation"
REFUSED_DESCRIPTION = "A field is missing or invalid (or a query parameter is unknown); `errors` names each."


def _may_be_empty(schema: dict) -> bool:
    """A plain string with no rule an empty one would break (`cursor`: empty asks for page one)."""
    rules = ("format", "pattern", "enum", "const")
    return schema.get("type") == "string" and not schema.get("minLength") and not any(r in schema for r in rules)


def query_parameters(document: dict) -> dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]]:
    """(OpenAPI path, METHOD) -> (the query parameters it documents, those that may be empty)."""
    found = {}
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            listed = [p for p in shared + operation.get("parameters", []) if p.get("in") == "query"]
            found[(path, method.upper())] = (frozenset(p["name"] for p in listed),
                                             frozenset(p["name"] for p in listed if _may_be_empty(p["schema"])))
    return found


def document_422(document: dict, problem_response: dict) -> dict:
    """Every operation lists the 422 this check answers (those that list one already keep theirs);
    a copy, so the module-level parts of the document stay as written."""
    document = copy.deepcopy(document)
    for item in document["paths"].values():
        for method, operation in item.items():
            if method != "parameters":
                operation["responses"].setdefault("422", problem_response)
    return document


def refuse_unknown_query(bp: Blueprint, prefix: str, document) -> None:
    """Before each request to `bp` (mounted at `prefix`): a 422 naming every query parameter the
    operation does not take. `document(server_url)` builds the blueprint's OpenAPI document."""
    allowed: dict | None = None

    @bp.before_request
    def _refuse_unknown_query():
        nonlocal allowed
        if not request.args or request.url_rule is None:
            return None
        if allowed is None:
            allowed = query_parameters(document("http://localhost"))
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", request.url_rule.rule).removeprefix(prefix)
        method = "GET" if request.method == "HEAD" else request.method
        if (path, method) not in allowed:  # not an operation of the document (the document itself, the docs page)
            return None
        known, may_be_empty = allowed[(path, method)]
        unknown = sorted(set(request.args) - known)
        takes = f"it takes {', '.join(sorted(known))}" if known else "it takes none"
        errors = [FieldError(name, f"'{name}' {UNKNOWN}; {takes}.") for name in unknown]
        # `?since=` says nothing: a value, or leave the parameter out (a web form's blank
        # fields are the pages' business, not the API's); a plain string such as `cursor` may be empty.
        errors += [FieldError(name, f"'{name}' is empty: give a value or leave it out.")
                   for name in sorted((known - may_be_empty)
                                      & {name for name, value in request.args.items(multi=True) if value == ""})]
        if errors:
            raise InvalidRequest(errors)
        return None
