"""Catalog tables with the default values of SPEC §2, shared by the pricing tests."""

DEFAULT_TABLES = {
    "currency": "EUR",
    "bundle_factors": {"3": "1.3333", "6": "1.9167", "9": "2.4167", "12": "2.8333"},
    "volume_discounts": [
        {"min_months": 4, "percent": "5"},
        {"min_months": 7, "percent": "10"},
        {"min_months": 10, "percent": "15"},
    ],
    "loyalty": {"step_months": 6, "percent_per_step": "1", "max_percent": "5"},
    "return_fees": [
        {"prior_returns": 0, "percent": "0"},
        {"prior_returns": 1, "percent": "10"},
        {"prior_returns": 2, "percent": "25"},
    ],
}

COUNTRIES = [
    {"code": "DE", "name": "Germany", "short_term_monthly": "3.00", "long_term_unit": "12.00", "setup_fee": "0.00"},
    {"code": "FR", "name": "France", "short_term_monthly": "4.00", "long_term_unit": "15.00", "setup_fee": "2.50"},
    {"code": "US", "name": "United States", "short_term_monthly": "1.00", "long_term_unit": "9.00", "setup_fee": "0.00"},
]
