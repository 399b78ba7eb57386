"""The OpenAPI 3.1 document of /api/v1: served as JSON and rendered as the reference page.

Kept beside the routes it describes; `tests/storefront/test_openapi.py` runs schemathesis
against the live app so the two cannot drift apart.
"""
from pricing import TIERS

MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["16.00"]}
COUNTRY_CODE = {"type": "string", "minLength": 1, "maxLength": 2, "examples": ["DE"]}
PROBLEM_JSON = "application/problem+json"


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(description: str, schema_ref: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "An error, as RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "description": "For validation errors: each bad field and what is wrong with it.",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    },
    "QuoteLine": {
        "type": "object",
        "required": ["code", "label", "amount"],
        "properties": {
            "code": {
                "type": "string",
                "description": "bundle, months, volume_discount, setup_fee, proration, loyalty_discount, …",
            },
            "label": {"type": "string"},
            "amount": MONEY,
        },
    },
    "Quote": {
        "type": "object",
        "required": ["currency", "country", "kind", "lines", "total"],
        "properties": {
            "currency": {"const": "EUR"},
            "country": {"type": "string"},
            "kind": {"enum": ["short", "long"]},
            "tier_months": {"enum": list(TIERS)},
            "months": {"type": "integer", "minimum": 1, "maximum": 12},
            "billing": {"enum": ["prepaid", "subscription"]},
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/QuoteLine"}},
            "total": {**MONEY, "description": "What is charged: the sum of the lines."},
            "effective_monthly": {**MONEY, "description": "Long-term only: bundle total / tier, for comparison."},
        },
    },
    "Catalog": {
        "type": "object",
        "required": ["currency", "bundle_factors", "volume_discounts", "loyalty", "return_fees", "countries"],
        "properties": {
            "currency": {"const": "EUR"},
            "bundle_factors": {"type": "object", "additionalProperties": {"type": "string"}},
            "volume_discounts": {"type": "array", "items": {"type": "object"}},
            "loyalty": {"type": "object"},
            "return_fees": {"type": "array", "items": {"type": "object"}},
            "countries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name", "short_term_monthly", "long_term_unit", "setup_fee"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "short_term_monthly": MONEY,
                        "long_term_unit": MONEY,
                        "setup_fee": MONEY,
                        "retired": {"type": "boolean",
                                    "description": "Present and true when the country sells nothing new."},
                    },
                },
            },
        },
    },
}

PATHS = {
    "/catalog": {
        "get": {
            "operationId": "getCatalog",
            "summary": "The catalog in force: countries, rates and pricing tables",
            "responses": {
                "200": _json("The catalog, in the format `flask catalog import` reads.", "#/components/schemas/Catalog"),
                "503": _problem("No catalog has been loaded yet."),
            },
        }
    },
    "/quote": {
        "get": {
            "operationId": "getQuote",
            "summary": "Price a rental: the same quote the web pages show and the checkout charges",
            "parameters": [
                {"name": "country", "in": "query", "required": True, "schema": COUNTRY_CODE,
                 "description": "ISO 3166 code of the country."},
                {"name": "kind", "in": "query", "required": True, "schema": {"enum": ["short", "long"]}},
                {"name": "tier_months", "in": "query", "schema": {"type": "integer", "enum": list(TIERS)},
                 "description": "Long-term: the bundle, 3, 6, 9 or 12 months (default 3)."},
                {"name": "months", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 12},
                 "description": "Short-term prepaid: 1 to 12 months (required)."},
                {"name": "billing", "in": "query", "schema": {"enum": ["prepaid", "subscription"]},
                 "description": "Short-term only; default prepaid."},
                {"name": "start", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": "Purchase day (YYYY-MM-DD, default today, UTC): prorates a subscription's first month."},
            ],
            "responses": {
                "200": _json("The quote.", "#/components/schemas/Quote"),
                "404": _problem("The country is not sold."),
                "422": _problem("A field is missing or invalid; `errors` names each."),
                "503": _problem("No catalog has been loaded yet."),
            },
        }
    },
}


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Numbers storefront API",
            "version": "1",
            "description": "Prices, purchases, extends, reservations and credits of rented phone numbers. "
            "Money is a string with two decimals, in euros. Errors are application/problem+json.",
        },
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
