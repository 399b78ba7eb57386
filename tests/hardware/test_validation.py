"""What operators type is checked: E.164 numbers of the right country, ICCIDs with their Luhn digit."""
import pytest

from hardware.errors import InvalidIccid, InvalidNumber
from hardware.validation import check_iccid, parse_e164


@pytest.mark.parametrize(
    "raw, country, e164",
    [("+49 151 23456789", "DE", "+4915123456789"), ("0151 23456789", "DE", "+4915123456789"),
     ("+33 6 12 34 56 78", "FR", "+33612345678")],
)
def test_numbers_are_stored_in_e164(raw, country, e164):
    assert parse_e164(raw, country) == e164


@pytest.mark.parametrize("raw", ["12", "not a number", "+49 1", ""])
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(InvalidNumber):
        parse_e164(raw, "DE")


def test_a_number_of_another_country_is_refused_naming_both():
    with pytest.raises(InvalidNumber, match="FR, not of DE"):
        parse_e164("+33612345678", "DE")


def test_a_valid_iccid_passes_with_spaces_removed():
    assert check_iccid("8949 1000 0000 0000 0013") == "89491000000000000013"


@pytest.mark.parametrize("raw, message", [("89491000000000000014", "check digit"), ("1234", "18 to 22"),
                                          ("8949100000000000001X", "18 to 22")])
def test_bad_iccids_are_refused(raw, message):
    with pytest.raises(InvalidIccid, match=message):
        check_iccid(raw)
