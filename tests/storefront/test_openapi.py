"""The OpenAPI document matches the implementation: schemathesis drives the app."""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from hardware.models import PhoneNumber
from storefront import db
from storefront.services import gateways

from tests.storefront.rental_factory import rent
from tests.storefront.helpers import api_for


def _headers_invalid(case) -> bool:
    data = getattr(getattr(case.meta, "phase", None), "data", None)
    if data is None or not case.meta.generation.mode.is_negative:
        return False
    # The credential is among the mutated headers more often than not: once it is replaced
    # the request may be valid (or its other mutation lost in serialising, as an unknown
    # query key can be), so it is not held to "must be refused".
    return data.parameter_location == ParameterLocation.HEADER or any(
        mutation.parameter_location == ParameterLocation.HEADER for mutation in data.mutations)


def check_every_operation(app, document: str, headers: dict, mode: GenerationMode, examples: int) -> None:
    """Drive each operation of `document` with schemathesis's cases of `mode`. Every built-in
    check runs, among them the two that hold the document to the implementation: the status
    code is one the operation lists (status_code_conformance) and the body matches the schema
    given for that status (response_schema_conformance); no answer is a 5xx."""
    schema = schemathesis.openapi.from_wsgi(document, app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    # Schema-valid requests may still break a cross-field rule (long-term has no subscription;
    # short-term prepaid needs `months`) that a query-parameter schema can't say: they are
    # refused with 422 naming the field, so "valid data is accepted" is not asked of them.
    excluded = [positive_data_acceptance] if mode is GenerationMode.POSITIVE else []
    untried = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_documented(case):
            # Schemathesis asks for compressed answers, but its WSGI transport hands the
            # bytes over without decoding them (an HTTP client decodes them): ask for none.
            # An invalid request with a fault in its headers may not be one by the time it is
            # sent: the credential is always replaced by a valid one, and a header the
            # operation does not name is ignored, as HTTP servers do (it is still held to the
            # documented statuses and schemas, and to no 5xx).
            skipped = excluded + ([negative_data_rejection] if _headers_invalid(case) else [])
            case.call_and_validate(headers={**headers, "Accept-Encoding": "identity"},
                                   additional_checks=[status_code_conformance, response_schema_conformance],
                                   excluded_checks=skipped)

        try:
            answers_as_documented()
        except Unsatisfiable:
            # No invalid request can be made of an operation that takes nothing but the
            # credential (GET /balance, /health): nothing for the negative mode to try.
            assert mode is GenerationMode.NEGATIVE, operation.label
            untried.append(operation.label)
    assert len(untried) < len(operations) / 2, untried


@pytest.mark.parametrize("mode, examples", [(GenerationMode.POSITIVE, 60), (GenerationMode.NEGATIVE, 30)],
                         ids=["valid requests", "invalid requests"])
def test_every_operation_answers_as_documented(stocked_app, mode, examples):
    api = api_for(stocked_app, "fuzz@example.com", credits="500.00")
    rent(stocked_app, "fuzz@example.com", "DE", hours_ago=1)
    check_every_operation(stocked_app, "/api/v1/openapi.json", api.headers, mode, examples)


@pytest.mark.parametrize("mode, examples", [(GenerationMode.POSITIVE, 40), (GenerationMode.NEGATIVE, 30)],
                         ids=["valid requests", "invalid requests"])
def test_every_gateway_operation_answers_as_documented(stocked_app, mode, examples):
    api_for(stocked_app, "fuzz@example.com")  # the customer whose number the gateway serves
    rented = rent(stocked_app, "fuzz@example.com", "DE", hours_ago=1)
    with stocked_app.app_context():
        gateway = db.session().get(PhoneNumber, rented.number_id).gateway.name
        token = gateways.create_token(db.session(), gateway)[1]
    check_every_operation(stocked_app, "/gateway/v1/openapi.json", {"Authorization": f"Bearer {token}"},
                          mode, examples)


def test_document_is_served_and_names_every_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {"/api/v1" + path for path in document["paths"]}
    implemented = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.openapi", "api.reference")
    }
    assert implemented == documented


def test_reference_page_lists_the_operations(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "GET" in html and "/quote" in html and "tier_months" in html


def test_a_misspelt_or_empty_query_parameter_is_refused_naming_it(stocked_app):
    api = api_for(stocked_app, "typo@example.com")
    typo = api.get("/numbers?limt=5")
    assert typo.status_code == 422 and typo.mimetype == "application/problem+json"
    assert typo.get_json()["errors"] == [
        {"field": "limt", "message": "'limt' is not a parameter of this operation; it takes cursor, limit."}]
    empty = api.get("/billing?to=")
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["field"] == "to"
    assert api.get("/numbers?limit=5").status_code == 200
    # The document says so on every operation.
    document = stocked_app.test_client().get("/api/v1/openapi.json").get_json()
    assert all("422" in operation["responses"] for item in document["paths"].values()
               for operation in item.values())
