"""A customer's billing details (printed on invoices): checked, then stored."""
import pycountry
from sqlalchemy.orm import Session
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from pricing import FieldError
from storefront.db import transaction
from storefront.models import User
from storefront.problems import InvalidRequest

# EU VAT numbers start with the member state's code; Greece uses EL, not GR.
VAT_PREFIX = {"GR": "EL"}
MAX_ADDRESS_LINES = 6


def countries() -> list[tuple[str, str]]:
    return sorted(((country.alpha_2, country.name) for country in pycountry.countries), key=lambda pair: pair[1])


def check(name: str, address: str, country: str, vat_id: str) -> tuple[str, str, str, str | None]:
    """The cleaned details, or InvalidRequest naming every malformed field."""
    errors = []
    name = " ".join((name or "").split())
    lines = [" ".join(line.split()) for line in (address or "").replace("\r", "").split("\n")]
    lines = [line for line in lines if line]
    country = (country or "").strip().upper()
    if not 2 <= len(name) <= 200:
        errors.append(FieldError("name", "Please enter the name to put on invoices (a person or a company)."))
    if len(lines) < 2 or len(lines) > MAX_ADDRESS_LINES or any(len(line) > 100 for line in lines) \
            or not any(character.isdigit() for character in " ".join(lines)):
        errors.append(FieldError("address", "Please enter the street with its number on one line and the postcode "
                                            "and town on the next (at most 6 lines of 100 characters)."))
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        errors.append(FieldError("country", "Please choose the country of the address."))
    cleaned_vat = None
    if vat_id and vat_id.strip():
        try:
            cleaned_vat = eu_vat.validate(vat_id)
        except ValidationError:
            errors.append(FieldError("vat_id", f"“{vat_id.strip()[:30]}” is not a valid EU VAT ID "
                                               "(it starts with the country code, like DE123456789)."))
        else:
            if len(country) == 2 and not cleaned_vat.startswith(VAT_PREFIX.get(country, country)):
                errors.append(FieldError("vat_id", "The VAT ID belongs to another country than the address."))
    if errors:
        raise InvalidRequest(errors)
    return name, "\n".join(lines), country, cleaned_vat


def save(session: Session, user: User, name: str, address: str, country: str, vat_id: str) -> None:
    name, address, country, vat_id = check(name, address, country, vat_id)
    with transaction(session):
        user.billing_name, user.billing_address, user.billing_country, user.vat_id = name, address, country, vat_id
