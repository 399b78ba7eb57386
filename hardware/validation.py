"""Checking what operators type: phone numbers (via `phonenumbers`) and SIM ICCIDs (Luhn)."""
import phonenumbers

from hardware.errors import InvalidIccid, InvalidNumber


def parse_e164(raw: str, country_code: str) -> str:
    """The number in E.164 form, if it is a valid number of `country_code`."""
    country_code = (country_code or "").upper()
    try:
        parsed = phonenumbers.parse((raw or "").strip(), country_code or None)
    except phonenumbers.NumberParseException as error:
        raise InvalidNumber(f"'{raw}' is not a phone number ({error}).") from error
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber(f"'{raw}' is not a valid phone number.")
    region = phonenumbers.region_code_for_number(parsed)
    if region != country_code:
        raise InvalidNumber(f"{raw} is a number of {region}, not of {country_code}.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_iccid(raw: str) -> str:
    """An ICCID: 18 to 22 digits (spaces allowed when typed), the last a Luhn check digit."""
    iccid = (raw or "").replace(" ", "").strip()
    if not iccid.isdigit() or not 18 <= len(iccid) <= 22:
        raise InvalidIccid(f"'{raw}' is not an ICCID: it has 18 to 22 digits.")
    if not luhn_valid(iccid):
        raise InvalidIccid(f"ICCID {iccid} has a wrong check digit: please check it for typos.")
    return iccid
