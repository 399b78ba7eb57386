"""The OpenAPI 3.1 document of /api/v1: served as JSON and rendered as the reference page.

Kept beside the routes it describes; `tests/storefront/test_openapi.py` runs schemathesis
against the live app so the two cannot drift apart.
"""
from pricing import TIERS
from storefront.strict_query import REFUSED_DESCRIPTION, document_422

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

SCHEMAS.update({
    "Number": {
        "type": "object",
        "description": "A rental: one number held by you.",
        "required": ["id", "number", "country", "kind", "pricing_model", "status", "auto_renew", "started_at",
                     "paid_through", "charged_total"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string", "examples": ["+4915123456101"]},
            "country": {"type": "string"},
            "kind": {"enum": ["short", "long"]},
            "pricing_model": {"enum": ["bundle", "legacy", "short_prepaid", "subscription"]},
            "status": {"enum": ["active", "past_due", "ended", "returned"]},
            "auto_renew": {"type": "boolean"},
            "tier_months": {"enum": list(TIERS)},
            "months": {"type": "integer"},
            "started_at": {"type": "string", "format": "date-time"},
            "paid_through": {"type": "string", "format": "date-time"},
            "ended_at": {"type": "string", "format": "date-time"},
            "charged_total": MONEY,
            "unused_return": {
                "type": "object",
                "description": "Long-term numbers: can it be returned unused now, and for how much.",
                "required": ["eligible", "reason"],
                "properties": {"eligible": {"type": "boolean"}, "reason": {"type": "string"}, "refund": MONEY},
            },
            "charged": {"$ref": "#/components/schemas/Quote"},
            "refunded": MONEY,
            "reclaim_until": {"type": "string", "format": "date-time",
                              "description": "Given back or expired: you can reclaim it until then."},
            "terms": {"$ref": "#/components/schemas/Terms"},
            "give_back": {"$ref": "#/components/schemas/GiveBack"},
            "given_back": {"$ref": "#/components/schemas/GiveBack"},
            "renewal": {
                "type": "object",
                "description": "One current prepaid number (not in lists): what its next renewal would charge, "
                               "at today's prices and the loyalty earned by then.",
                "required": ["on", "auto_renew", "months", "estimated_total"],
                "properties": {"on": {"type": "string", "format": "date-time"}, "auto_renew": {"type": "boolean"},
                               "months": {"type": "integer"}, "tier_months": {"enum": list(TIERS)},
                               "estimated_total": MONEY},
            },
        },
    },
    "Terms": {
        "type": "object",
        "description": "What you committed to with a purchase: due now, dates, renewal, unused return, giving back.",
        "required": ["total_due_now", "starts_at", "paid_until", "give_back"],
        "properties": {
            "total_due_now": MONEY,
            "starts_at": {"type": "string", "format": "date-time"},
            "paid_until": {"type": "string", "format": "date-time"},
            "balance_after": MONEY,
            "auto_renew": {"type": "object", "required": ["on", "renews_on", "months", "estimated_total"],
                           "properties": {"on": {"type": "boolean"},
                                          "renews_on": {"type": "string", "format": "date-time"},
                                          "months": {"type": "integer"}, "estimated_total": MONEY,
                                          "loyalty_percent": {"type": "string"}}},
            "subscription": {"type": "object", "properties": {
                "first_charge": MONEY, "monthly": MONEY, "next_charge_on": {"type": "string", "format": "date"},
                "charged_on": {"type": "string"}}},
            "unused_return": {"type": "object", "required": ["until", "fee_percent", "refund"],
                              "properties": {"until": {"type": "string", "format": "date-time"},
                                             "fee_percent": {"type": "string"}, "refund": MONEY}},
            "give_back": {"type": "string"},
        },
    },
    "GiveBack": {
        "type": "object",
        "description": "Giving the number back refunds nothing: the paid days and their worth that are forfeited.",
        "required": ["days_forfeited", "forfeited", "refund"],
        "properties": {"days_forfeited": {"type": "integer"}, "forfeited": MONEY, "refund": MONEY,
                       "instead_return_unused_for": {**MONEY, "description": "Still returnable unused: "
                                                     "POST /numbers/{id}/return refunds this instead."}},
    },
    "ReclaimRequest": {
        "type": "object",
        "properties": {"tier_months": {"type": "integer", "description": "Long-term (required): 3, 6, 9 or 12."},
                       "months": {"type": "integer", "description": "Short-term (required): 1 to 12."},
                       "expected_total": MONEY},
    },
    "NumberList": {
        "type": "object", "required": ["numbers"],
        "properties": {"numbers": {"type": "array", "items": {"$ref": "#/components/schemas/Number"}}},
    },
    "Reservation": {
        "type": "object",
        "required": ["id", "country", "tier_months", "hold", "status", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "country": {"type": "string"},
            "tier_months": {"enum": list(TIERS)},
            "hold": {**MONEY, "description": "Held on your credits: the locked price (bundle + setup fee)."},
            "status": {"enum": ["waiting", "fulfilled", "cancelled"]},
            "created_at": {"type": "string", "format": "date-time"},
            "queue_position": {"type": "integer", "minimum": 1, "description": "While waiting: 1 is next."},
            "number_id": {"type": "integer", "description": "Once fulfilled: the number it became."},
            "closed_reason": {"type": "string"},
        },
    },
    "ReservationList": {
        "type": "object", "required": ["reservations"],
        "properties": {"reservations": {"type": "array", "items": {"$ref": "#/components/schemas/Reservation"}}},
    },
    "Credits": {
        "type": "object",
        "required": ["balance", "ledger", "as_of"],
        "properties": {
            "balance": MONEY,
            "as_of": {"type": "string", "format": "date-time"},
            "ledger": {"type": "array", "items": {
                "type": "object", "required": ["id", "kind", "amount", "description", "created_at"],
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"enum": ["top_up", "purchase", "hold", "hold_release", "refund", "adjustment",
                                      "card_charge"]},
                    "amount": MONEY, "description": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                },
            }},
        },
    },
    "BillingEntry": {
        "type": "object",
        "required": ["id", "kind", "description", "amount", "card_amount", "balance_after", "created_at", "document"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["top_up", "purchase", "hold", "hold_release", "refund", "adjustment", "card_charge"]},
            "description": {"type": "string"},
            "amount": {**MONEY, "description": "Credits in (positive) or out (negative); 0.00 for a card charge."},
            "card_amount": {"anyOf": [MONEY, {"type": "null"}],
                            "description": "A subscription's card charge; null for credit entries."},
            "balance_after": {"anyOf": [MONEY, {"type": "null"}], "description": "Your credit balance after it."},
            "created_at": {"type": "string", "format": "date-time"},
            "document": {"anyOf": [{"type": "string"}, {"type": "null"}],
                         "description": "Number of its invoice, receipt or credit note (its PDF: /billing/documents/{number})."},
        },
    },
    "BillingPage": {
        "type": "object",
        "required": ["balance", "entries", "next_cursor"],
        "properties": {
            "balance": MONEY,
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/BillingEntry"}},
            "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}],
                            "description": "Pass as `cursor` for the next (older) page; null on the last page."},
        },
    },
    "BuyRequest": {
        "type": "object",
        "required": ["country", "kind"],
        "properties": {
            "country": COUNTRY_CODE,
            "kind": {"enum": ["short", "long"]},
            "tier_months": {"type": "integer", "description": "Long-term (required): 3, 6, 9 or 12."},
            "months": {"type": "integer", "description": "Short-term (required): 1 to 12."},
            "billing": {"const": "prepaid", "description": "The API buys prepaid; subscriptions start on the web."},
            "number_id": {"type": "integer", "description": "A particular available number; any one if absent."},
            "expected_total": {**MONEY, "description": "The total you were quoted: if the price is now "
                               "different, nothing is charged and a 409 carries the new quote."},
            "auto_renew": {"type": "boolean", "default": True,
                           "description": "Long-term: renew automatically with the same bundle (default true)."},
        },
    },
    "ExtendRequest": {
        "type": "object",
        "description": "A long-term number takes `tier_months`; a prepaid short-term number `months`.",
        "properties": {"tier_months": {"type": "integer", "description": "Long-term: 3, 6, 9 or 12."},
                       "months": {"type": "integer", "description": "Short-term prepaid: 1 to 12."},
                       "expected_total": MONEY},
    },
    "RenewalRequest": {
        "type": "object", "required": ["tier_months"],
        "properties": {"tier_months": {"type": "integer", "description": "3, 6, 9 or 12."}},
    },
    "ReturnRequest": {"type": "object", "properties": {"expected_refund": MONEY}},
    "Message": {
        "type": "object",
        "required": ["id", "direction", "from", "to", "text", "at", "status"],
        "properties": {
            "id": {"type": "integer"},
            "direction": {"enum": ["in", "out"]},
            "from": {"type": "string", "description": "The sender: a number, or a name such as 'ACME'."},
            "to": {"type": "string"},
            "text": {"type": ["string", "null"], "description": "null once deleted after the retention period."},
            "at": {"type": "string", "format": "date-time",
                   "description": "When it was received (in) or queued (out)."},
            "status": {"enum": ["received", "queued", "sent", "delivered", "failed"]},
            "code": {"type": "string", "description": "The verification code found in a received message."},
            "failure_reason": {"type": "string"},
        },
    },
    "MessageList": {
        "type": "object",
        "required": ["messages", "next_cursor"],
        "properties": {
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
            "next_cursor": {"type": ["string", "null"],
                            "description": "Pass as `cursor` for the next, older page; null on the last page."},
        },
    },
    "SendRequest": {
        "type": "object", "required": ["to", "text"],
        "properties": {"to": {"type": "string", "description": "The recipient, with its country code (+49…)."},
                       "text": {"type": "string", "description": "At most 10 SMS (GSM-7 or UCS-2)."}},
    },
    "Forwarding": {
        "type": "object",
        "required": ["webhook_url", "email", "signing_secret", "deliveries"],
        "properties": {
            "webhook_url": {"type": ["string", "null"]},
            "email": {"type": "boolean", "description": "Each received message is also e-mailed to you."},
            "signing_secret": {"type": ["string", "null"],
                               "description": "X-Signature is sha256= HMAC-SHA256 of the body with this secret."},
            "deliveries": {"type": "array", "description": "The latest forwards, newest first.", "items": {
                "type": "object",
                "required": ["id", "to", "event_id", "state", "attempts", "last_error", "queued_at"],
                "properties": {
                    "id": {"type": "integer"}, "to": {"enum": ["webhook", "e-mail"]},
                    "event_id": {"type": "string"}, "state": {"enum": ["pending", "delivered", "gave up"]},
                    "attempts": {"type": "integer"}, "last_error": {"type": ["string", "null"]},
                    "queued_at": {"type": "string", "format": "date-time"},
                },
            }},
        },
    },
    "ForwardingRequest": {
        "type": "object",
        "properties": {
            "webhook_url": {"type": ["string", "null"], "description": "HTTPS, public; null or empty for none."},
            "email": {"type": "boolean"},
            "new_secret": {"type": "boolean", "description": "Make a new signing secret."},
        },
    },
    "ReserveRequest": {
        "type": "object", "required": ["country", "tier_months"],
        "properties": {"country": COUNTRY_CODE, "tier_months": {"type": "integer", "description": "3, 6, 9 or 12."},
                       "expected_hold": MONEY},
    },
})

SCHEMAS.update({
    "AvailableNumber": {
        "type": "object",
        "required": ["id", "number", "country", "kind", "type", "capabilities"],
        "properties": {
            "id": {"type": "integer", "description": "Pass as `number_id` to buy this very number."},
            "number": {"type": "string", "examples": ["+4915123456101"]},
            "country": {"type": "string"},
            "kind": {"enum": ["short", "long"]},
            "type": {"enum": ["dedicated_sim", "shared"],
                     "description": "Long-term numbers have their own SIM; short-term ones share a gateway."},
            "capabilities": {"type": "array", "items": {"enum": ["sms", "voice"]}},
        },
    },
    "AvailableNumberPage": {
        "type": "object", "required": ["numbers", "next_cursor"],
        "properties": {
            "numbers": {"type": "array", "items": {"$ref": "#/components/schemas/AvailableNumber"}},
            "next_cursor": {"type": ["string", "null"],
                            "description": "Pass as `cursor` for the next page; null on the last page."},
        },
    },
})

AUTH = [{"bearer": []}]
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "maxLength": 255},
                   "description": "Retry safely: the same key with the same body answers the first answer again; "
                                  "with another body it is a 409."}
ACCOUNT_ERRORS = {
    "401": _problem("No valid API token."),
    "429": _problem("Too many requests for this token; retry later."),
}


EMAIL_NOT_VERIFIED = _problem("Your e-mail address is not confirmed yet: open the link of the sign-up e-mail first.")


def _body(schema: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _operation(operation_id: str, summary: str, responses: dict, **more) -> dict:
    return {"operationId": operation_id, "summary": summary, "security": AUTH,
            "responses": {**responses, **ACCOUNT_ERRORS}, **more}


def _paging(what: str) -> list:
    """`cursor` and `limit` of a list paged by keyset (storefront/services/paging.py)."""
    return [
        {"name": "cursor", "in": "query", "schema": {"type": "string"},
         "description": "`next_cursor` of the previous page; leave it out for the first."},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200},
         "description": f"{what} per page, default 50."},
    ]


def _id_parameter(name: str) -> list:
    return [{"name": name, "in": "path", "required": True, "schema": ID}]


ACCOUNT_PATHS = {
    "/numbers": {
        "get": _operation("listNumbers", "Your numbers, current first",
                          {"200": _json("Your numbers.", "#/components/schemas/NumberList"),
                           "422": _problem("`limit` or `cursor` is not valid.")},
                          parameters=_paging("Numbers")),
        "post": _operation(
            "buyNumber", "Buy a number from credits: long-term with tier_months, short-term with months",
            {"201": _json("Bought: the number, and the quote that was charged.", "#/components/schemas/Number"),
             "403": EMAIL_NOT_VERIFIED, "402": _problem("Your credits don't cover the total; `missing` says by how much."),
             "404": _problem("The country is not sold."),
             "409": _problem("The price changed (the new `quote` is included) or no number is left."),
             "422": _problem("A field is missing or invalid (tier 5 or 16, months 13, …); `errors` names each.")},
            requestBody=_body("BuyRequest"), parameters=[IDEMPOTENCY_KEY]),
    },
    "/numbers/{rental_id}": {
        "get": _operation("showNumber", "One of your numbers",
                          {"200": _json("The number.", "#/components/schemas/Number"),
                           "404": _problem("You have no number with this id.")},
                          parameters=_id_parameter("rental_id")),
        "delete": _operation("unrentNumber", "Give the number back (it waits 30 days for you; no refund)",
                             {"200": _json("The number, now ended.", "#/components/schemas/Number"),
                              "404": _problem("You have no number with this id."),
                              "409": _problem("It could not be given back (the card processor was unreachable).")},
                             parameters=_id_parameter("rental_id")),
    },
    "/numbers/{rental_id}/extend": {
        "post": _operation(
            "extendNumber", "Extend a long-term number by a new bundle (with the loyalty discount), or a prepaid "
                            "short-term number by 1-12 months (volume discount, no setup fee)",
            {"200": _json("Extended: the number, and the quote that was charged.", "#/components/schemas/Number"),
             "403": EMAIL_NOT_VERIFIED, "402": _problem("Your credits don't cover the total."),
             "404": _problem("You have no number with this id."),
             "409": _problem("The price changed, or the number can't be extended (a subscription, ended)."),
             "422": _problem("tier_months (long-term) or months (short-term) is missing or out of range.")},
            requestBody=_body("ExtendRequest"), parameters=_id_parameter("rental_id") + [IDEMPOTENCY_KEY]),
    },
    "/numbers/{rental_id}/renewal": {
        "put": _operation(
            "changeRenewal", "Choose the bundle a long-term number renews with; nothing is charged now "
                             "(a legacy number renews as a bundle from then on)",
            {"200": _json("The number with its next renewal.", "#/components/schemas/Number"),
             "404": _problem("You have no number with this id."),
             "409": _problem("The number is short-term or has ended."),
             "422": _problem("tier_months is missing or not one of 3, 6, 9, 12.")},
            requestBody=_body("RenewalRequest"), parameters=_id_parameter("rental_id")),
    },
    "/numbers/{rental_id}/return": {
        "post": _operation(
            "returnNumber", "Return an unused long-term number within 24 hours, refunded to credits",
            {"200": _json("Returned: `refunded` went to your credits.", "#/components/schemas/Number"),
             "404": _problem("You have no number with this id."),
             "409": _problem("It can't be returned: `detail` says why (too late, messages, short-term)."),
             "422": _problem("expected_refund is not an amount, or the key too long; `errors` names each.")},
            requestBody={"required": False, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ReturnRequest"}}}},
            parameters=_id_parameter("rental_id") + [IDEMPOTENCY_KEY]),
    },
    "/numbers/{rental_id}/messages": {
        "get": _operation(
            "listMessages", "The number's messages (of your rental only), newest first",
            {"200": _json("One page of messages.", "#/components/schemas/MessageList"),
             "404": _problem("You have no number with this id."),
             "422": _problem("A bad cursor, since or limit.")},
            parameters=_id_parameter("rental_id") + [
                {"name": "cursor", "in": "query", "schema": {"type": "string"},
                 "description": "`next_cursor` of the previous page."},
                {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"},
                 "description": "Only messages stored at or after this time (UTC if no offset)."},
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100},
                 "description": "Only messages whose sender, recipient or text contains this."},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                 "description": "Messages per page (default 50)."},
            ]),
        "post": _operation(
            "sendMessage", "Send a message from the number: queued, then sent, delivered or failed",
            {"201": _json("Queued.", "#/components/schemas/Message"),
             "404": _problem("You have no number with this id."),
             "409": _problem("The number can't send now (ended, out of service)."),
             "422": _problem("A malformed recipient, an empty or too long text; `errors` names each."),
             "429": _problem("Too many messages from this number, or too many requests; retry later.")},
            requestBody=_body("SendRequest"), parameters=_id_parameter("rental_id") + [IDEMPOTENCY_KEY]),
    },
    "/numbers/{rental_id}/forwarding": {
        "get": _operation("showForwarding", "Where the number's received messages are forwarded, and the last deliveries",
                          {"200": _json("The forwarding settings.", "#/components/schemas/Forwarding"),
                           "404": _problem("You have no number with this id.")},
                          parameters=_id_parameter("rental_id")),
        "put": _operation("setForwarding", "Forward received messages to an HTTPS webhook and/or your e-mail",
                          {"200": _json("Saved.", "#/components/schemas/Forwarding"),
                           "404": _problem("You have no number with this id."),
                           "422": _problem("The webhook address can't be used (not HTTPS, private network, …).")},
                          requestBody=_body("ForwardingRequest"), parameters=_id_parameter("rental_id")),
    },
    "/numbers/{rental_id}/reclaim": {
        "post": _operation(
            "reclaimNumber", "Buy back a number you gave back less than 30 days ago, as a new purchase",
            {"201": _json("Reclaimed: the new rental, the quote charged and its terms.", "#/components/schemas/Number"),
             "402": _problem("Your credits don't cover the total."),
             "404": _problem("You have no number with this id."),
             "409": _problem("It can no longer be reclaimed, or the price changed."),
             "422": _problem("tier_months or months is missing or invalid.")},
            requestBody=_body("ReclaimRequest"), parameters=_id_parameter("rental_id") + [IDEMPOTENCY_KEY]),
    },
    "/reservations": {
        "get": _operation("listReservations", "Your reservations",
                          {"200": _json("Your reservations.", "#/components/schemas/ReservationList")}),
        "post": _operation(
            "createReservation", "Reserve a long-term number where none is in stock: the hold is taken from credits",
            {"201": _json("Reserved.", "#/components/schemas/Reservation"),
             "403": EMAIL_NOT_VERIFIED, "402": _problem("Your credits don't cover the hold."),
             "404": _problem("The country is not sold."),
             "409": _problem("The country has stock (buy instead) or the price changed."),
             "422": _problem("A field is missing or invalid; `errors` names each.")},
            requestBody=_body("ReserveRequest"), parameters=[IDEMPOTENCY_KEY]),
    },
    "/reservations/{reservation_id}": {
        "get": _operation("showReservation", "One of your reservations, with its place in the queue",
                          {"200": _json("The reservation.", "#/components/schemas/Reservation"),
                           "404": _problem("You have no reservation with this id.")},
                          parameters=_id_parameter("reservation_id")),
        "delete": _operation("cancelReservation", "Cancel: the whole hold goes back to your credits at once",
                             {"200": _json("Cancelled.", "#/components/schemas/Reservation"),
                              "404": _problem("You have no reservation with this id."),
                              "409": _problem("It is no longer waiting.")},
                             parameters=_id_parameter("reservation_id")),
    },
    "/billing": {
        "get": _operation(
            "getBilling", "Your billing history: every money event, newest first, with the running balance",
            {"200": _json("One page of the history.", "#/components/schemas/BillingPage"),
             "422": _problem("A filter or the cursor is not valid; `errors` names each.")},
            parameters=[
                {"name": "kind", "in": "query", "style": "form", "explode": True,
                 "schema": {"type": "array", "items": {"enum": ["top_up", "purchase", "hold", "hold_release", "refund",
                                                                 "adjustment", "card_charge"]}},
                 "description": "Only these kinds (repeat the parameter); default all."},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": "From this day on (UTC), YYYY-MM-DD."},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": "Up to and including this day (UTC)."},
                {"name": "cursor", "in": "query", "schema": {"type": "string"},
                 "description": "`next_cursor` of the previous page."},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                 "description": "Entries per page, default 50."},
            ]),
    },
    "/billing/documents/{number}": {
        "get": _operation("getBillingDocument", "An invoice, receipt or credit note as a PDF",
                          {"200": {"description": "The PDF.", "content": {"application/pdf": {}}},
                           "404": _problem("You have no document with this number.")},
                          parameters=[{"name": "number", "in": "path", "required": True,
                                       "schema": {"type": "string"}}]),
    },
    "/credits": {
        "get": _operation("getCredits", "Your balance and ledger",
                          {"200": _json("Balance and ledger, newest first.", "#/components/schemas/Credits"),
                           "422": _problem("`limit` or `cursor` is not valid.")},
                          parameters=_paging("Ledger lines")),
    },
}

PATHS = {
    "/available-numbers": {
        "get": {
            "operationId": "listAvailableNumbers",
            "summary": "Numbers on sale in a country, searched by digits, one page at a time",
            "description": "Numbers another customer is holding while they pay (10 minutes) are left out. "
                           "Ordered by number; page on with `cursor`.",
            "parameters": [
                {"name": "country", "in": "query", "required": True, "schema": COUNTRY_CODE},
                {"name": "kind", "in": "query", "required": True, "schema": {"enum": ["short", "long"]}},
                {"name": "digits", "in": "query", "schema": {"type": "string", "maxLength": 40},
                 "description": "Digits the number must contain; spaces, dashes and + are ignored."},
                {"name": "match", "in": "query", "schema": {"enum": ["contains", "ends_with"]},
                 "description": "Where the digits are: anywhere (default) or at the end."},
                {"name": "capability", "in": "query", "schema": {"enum": ["sms", "voice"]},
                 "description": "Only numbers that can do this."},
                {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 16},
                 "description": "`next_cursor` of the previous page."},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                 "description": "Numbers per page (default 10)."},
            ],
            "responses": {
                "200": _json("One page of numbers on sale.", "#/components/schemas/AvailableNumberPage"),
                "404": _problem("The country is not sold."),
                "422": _problem("A parameter is missing or invalid; `errors` names each."),
                "503": _problem("No catalog has been loaded yet."),
            },
        }
    },
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
    return document_422(_document(server_url), _problem(REFUSED_DESCRIPTION))


def _document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Numbers storefront API",
            "version": "1",
            "description": "Prices, purchases, extends, reservations and credits of rented phone numbers; "
            "their messages (read, send) and forwarding. "
            "Money is a string with two decimals, in euros. Errors are application/problem+json.",
        },
        "servers": [{"url": server_url}],
        "paths": {**PATHS, **ACCOUNT_PATHS},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An API token from your account page."}},
        },
    }
