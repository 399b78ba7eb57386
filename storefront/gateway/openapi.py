"""The OpenAPI 3.1 document of /gateway/v1 (served at /gateway/v1/openapi.json)."""
from storefront.strict_query import REFUSED_DESCRIPTION, document_422
from storefront.models.messages import MAX_BODY_CHARS
from storefront.services.messages import MAX_BATCH

PROBLEM_JSON = "application/problem+json"
TIME = {"type": "string", "format": "date-time", "examples": ["2026-12-03T12:00:00Z"]}
E164 = {"type": "string", "pattern": r"^\+[1-9]\d{6,14}$", "examples": ["+4915112345678"]}


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(description: str, ref: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


UNAUTHORIZED = _problem("No credential, or not a live one.")
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
            "errors": {"type": "array", "description": "For validation errors: each bad field.", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        },
    },
    "InboundReport": {
        "type": "object",
        "required": ["id", "to", "from", "text"],
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": 100,
                   "description": "The gateway's own id of the message: a retry sends the same id."},
            "to": {**E164, "description": "The receiving number, one of this gateway's (SIM slot or short-term pool)."},
            "from": {"type": "string", "minLength": 1, "maxLength": 32,
                     "description": "The sender: a number or an alphanumeric name."},
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_BODY_CHARS, "description": "UTF-8 text."},
            "received_at": {**TIME, "description": "When the gateway received it (default: now)."},
        },
    },
    "InboundAnswer": {
        "type": "object",
        "required": ["id", "stored"],
        "properties": {
            "id": {"type": "string", "description": "The gateway's message id, as sent."},
            "stored": {"type": "boolean", "description": "false: nobody holds the number, the message was dropped."},
            "message": {"type": "integer", "description": "Our id of the stored message."},
            "received_at": TIME,
            "note": {"type": "string"},
        },
    },
    "InboundBatch": {
        "type": "object",
        "required": ["messages"],
        "properties": {"messages": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                                    "items": {"$ref": "#/components/schemas/InboundReport"}}},
    },
    "InboundBatchAnswer": {
        "type": "object",
        "required": ["results"],
        "properties": {"results": {"type": "array", "description": "One answer per report, in the order sent.",
                                   "items": {"$ref": "#/components/schemas/InboundAnswer"}}},
    },
    "OutboundMessage": {
        "type": "object",
        "required": ["id", "from", "to", "text", "status", "queued_at"],
        "properties": {
            "id": {"type": "integer"},
            "from": E164,
            "to": E164,
            "text": {"type": ["string", "null"]},
            "status": {"enum": ["queued", "sent", "delivered", "failed"]},
            "queued_at": TIME,
            "sent_at": {**TIME, "type": ["string", "null"]},
            "delivered_at": {**TIME, "type": ["string", "null"]},
            "failed_at": {**TIME, "type": ["string", "null"]},
            "reason": {"type": ["string", "null"]},
        },
    },
    "OutboundQueue": {
        "type": "object",
        "required": ["messages"],
        "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/OutboundMessage"}}},
    },
    "Outcome": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"enum": ["delivered", "failed"]},
            "reason": {"type": "string", "maxLength": 300, "description": "Required when failed."},
        },
    },
    "Numbers": {
        "type": "object",
        "required": ["numbers"],
        "properties": {"numbers": {"type": "array", "items": {
            "type": "object",
            "required": ["number", "kind", "held"],
            "properties": {"number": E164, "kind": {"enum": ["long", "short"]},
                           "held": {"type": "boolean", "description": "Someone rents it now."}},
        }}},
    },
    "Heartbeat": {
        "type": "object",
        "required": ["gateway", "back_in_service", "silence_limit_seconds"],
        "properties": {
            "gateway": {"type": "string"},
            "back_in_service": {"type": "boolean", "description": "true when this heartbeat ended an outage."},
            "silence_limit_seconds": {"type": "integer",
                                      "description": "Send the next heartbeat well before this many seconds."},
        },
    },
}

MESSAGE_ID = [{"name": "message_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]


def openapi_document(server_url: str) -> dict:
    secured = [{"gateway": []}]
    return document_422(_document(server_url, secured), _problem(REFUSED_DESCRIPTION))


def _document(server_url: str, secured: list) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Numbers gateway API",
            "version": "1",
            "description": "Used by the SIM gateways: report inbound messages and heartbeats, pull the outbound "
                           "queue, acknowledge and report delivery. One credential per gateway (created by "
                           "operations). Errors are application/problem+json.",
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"gateway": {"type": "http", "scheme": "bearer",
                                            "description": "The gateway's credential (ngw_…), shown once."}},
        },
        "security": secured,
        "paths": {
            "/heartbeat": {"post": {
                "operationId": "heartbeat", "summary": "I am alive (send every minute or so)",
                "responses": {"200": _json("Recorded", "#/components/schemas/Heartbeat"), "401": UNAUTHORIZED},
            }},
            "/numbers": {"get": {
                "operationId": "listNumbers", "summary": "The numbers this gateway serves",
                "responses": {"200": _json("Its numbers", "#/components/schemas/Numbers"), "401": UNAUTHORIZED},
            }},
            "/messages": {"post": {
                "operationId": "reportInbound", "summary": "Report an inbound message (idempotent on id)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/InboundReport"}}}},
                "responses": {
                    "201": _json("Stored (a retry of the same id gets this same answer)",
                                 "#/components/schemas/InboundAnswer"),
                    "202": _json("Accepted but not stored: nobody holds the number",
                                 "#/components/schemas/InboundAnswer"),
                    "401": UNAUTHORIZED,
                    "404": _problem("The number is not one of this gateway's; nothing stored."),
                    "422": _problem("A field is missing or wrong (named in errors); nothing stored."),
                },
            }},
            "/messages/batch": {"post": {
                "operationId": "reportInboundBatch",
                "summary": f"Report up to {MAX_BATCH} inbound messages at once (each idempotent on its id)",
                "description": "One transaction for the whole batch: every report is stored, or none is. "
                               "Use it when messages queue up on the gateway (a burst, after an outage).",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/InboundBatch"}}}},
                "responses": {
                    "200": _json("Every report's answer (stored, a replay's first answer, or not stored and why)",
                                 "#/components/schemas/InboundBatchAnswer"),
                    "401": UNAUTHORIZED,
                    "404": _problem("A number is not one of this gateway's (named); nothing stored."),
                    "413": _problem("The body is over 1 MB; send fewer reports at once."),
                    "422": _problem("A report's field is missing or wrong (named as messages[i].field); "
                                    "nothing stored."),
                },
            }},
            "/outbound": {"get": {
                "operationId": "pullOutbound", "summary": "Queued messages to send, oldest first",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                          "maximum": 100, "default": 50}}],
                "responses": {"200": _json("The queue", "#/components/schemas/OutboundQueue"),
                              "401": UNAUTHORIZED, "422": _problem("Bad limit")},
            }},
            "/outbound/{message_id}/ack": {"post": {
                "operationId": "acknowledgeOutbound", "summary": "I took it: queued → sent (repeatable)",
                "parameters": MESSAGE_ID,
                "responses": {"200": _json("Sent", "#/components/schemas/OutboundMessage"), "401": UNAUTHORIZED,
                              "404": _problem("Not an outbound message of this gateway"),
                              "409": _problem("Already delivered or failed")},
            }},
            "/outbound/{message_id}/report": {"post": {
                "operationId": "reportOutcome", "summary": "Delivered, or failed with a reason (repeatable)",
                "parameters": MESSAGE_ID,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Outcome"}}}},
                "responses": {"200": _json("Recorded", "#/components/schemas/OutboundMessage"), "401": UNAUTHORIZED,
                              "404": _problem("Not an outbound message of this gateway"),
                              "409": _problem("It has the other outcome already"),
                              "422": _problem("Bad status or missing reason")},
            }},
            "/openapi.json": {"get": {
                "operationId": "gatewayOpenapi", "summary": "This document", "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1"}},
            }},
        },
    }
