"""GET /api/v1/available-numbers: the numbers on sale, searched and paged as in the buy
wizard (digits contained or at the end, a capability, a cursor). Public, like the quote:
it shows numbers, not who holds them; numbers held for a customer are left out."""
from flask import jsonify, request

from hardware.models import KINDS, PhoneNumber
from pricing import FieldError
from storefront import db
from storefront.api import bp
from storefront.problems import InvalidRequest
from storefront.services.catalog import catalog_for_display
from storefront.services.number_holds import find_numbers, parse_search


def number_json(number: PhoneNumber) -> dict:
    return {
        "id": number.id,
        "number": number.e164,
        "country": number.country_code,
        "kind": number.kind,
        "type": "dedicated_sim" if number.dedicated else "shared",
        "capabilities": [name for name, has in (("sms", number.sms), ("voice", number.voice)) if has],
    }


@bp.get("/available-numbers")
def available_numbers():
    args = request.args
    errors = []
    country = str(args.get("country") or "").strip().upper()
    if not country:
        errors.append(FieldError("country", "is required (an ISO country code such as DE)"))
    kind = args.get("kind")
    if kind not in KINDS:
        errors.append(FieldError("kind", "must be 'short' or 'long'"))
    try:
        search = parse_search(args, strict=True)
    except InvalidRequest as error:
        errors.extend(error.errors)
    if errors:
        raise InvalidRequest(errors)
    session = db.session()
    catalog_for_display(session).country_on_sale(country)  # 404 for a country we don't sell
    page = find_numbers(session, country, kind, search)
    return jsonify({"numbers": [number_json(number) for number in page.numbers], "next_cursor": page.next_after})
