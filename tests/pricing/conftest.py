"""Catalogs for the pricing tests: built from documents, never from an app."""
import copy

import pytest

from pricing import parse_catalog
from tests.pricing.tables import COUNTRIES, DEFAULT_TABLES


@pytest.fixture
def document() -> dict:
    """A catalog document with the default tables; tests may change it freely."""
    return copy.deepcopy({**DEFAULT_TABLES, "countries": COUNTRIES})


@pytest.fixture
def default_catalog(document):
    return parse_catalog(document)
