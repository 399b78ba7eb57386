"""The shape of what is sold (SPEC §1): long-term tiers and short-term month counts."""
from pricing.errors import InvalidMonths, InvalidTier

TIERS = (3, 6, 9, 12)
# "3 months is the default tier": preselected wherever a long-term bundle is chosen.
DEFAULT_TIER = 3
SHORT_TERM_MONTHS = range(1, 13)


def _allowed_tiers() -> str:
    return ", ".join(str(tier) for tier in TIERS[:-1]) + f" or {TIERS[-1]}"


def check_tier(tier_months) -> int:
    """"3, 6, 9 or 12 months only … any long-term duration other than 3/6/9/12 is
    refused everywhere with a clear error that names the allowed tiers." """
    if isinstance(tier_months, bool) or not isinstance(tier_months, int) or tier_months not in TIERS:
        raise InvalidTier(
            f"Long-term bundles come in {_allowed_tiers()} months; {tier_months!r} is not one of them."
        )
    return tier_months


def check_months(months) -> int:
    """"Short-term: 1–12 months, any integer." """
    if isinstance(months, bool) or not isinstance(months, int) or months not in SHORT_TERM_MONTHS:
        raise InvalidMonths(
            f"Short-term numbers are rented for 1 to 12 months; {months!r} is outside that range."
        )
    return months
