"""FAQ search: stems and synonyms find what customers mean; matches are marked, safely."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.services import faq_search
from tests.storefront.helpers import page


def titles(client, query: str) -> list[str]:
    html = client.get("/faq", query_string={"q": query}).get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'class="anchor" href="#[^"]+">(.*?)</a>', html)]


def test_proration_and_prorated_find_the_first_month_answer(client):
    for query in ("proration", "prorated", "Prorate"):
        assert "Why is my first month cheaper, and what is the setup fee?" in titles(client, query), query


def test_cancel_subscription_finds_giving_a_number_back(client):
    found = titles(client, "cancel subscription")
    assert "How do I give a number back?" in found


def test_matches_are_marked_in_title_and_answer(client):
    html = client.get("/faq?q=prorated").get_data(as_text=True)
    assert "<mark>prorated</mark>" in html
    html = client.get("/faq?q=bundles").get_data(as_text=True)
    assert re.search(r"<h2><a [^>]*>[^<]*<mark>bundles</mark>", html)


def test_a_query_is_escaped_and_never_marks_inside_tags(client):
    html = client.get("/faq", query_string={"q": '<script>alert(1)</script> href class'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<mark>" not in "".join(re.findall(r"<[^>]*<mark>[^>]*>", html))
    assert 'href="<mark>' not in html and "<a <mark>" not in html


def test_a_word_nobody_wrote_finds_nothing(client):
    assert titles(client, "zeppelin") == []
    assert "No answer mentions" in page(client.get("/faq?q=zeppelin"))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_highlighting_never_changes_the_text(query):
    html = '<p>Bundles &amp; <a href="/faq#x">prorated</a> months.</p>'
    marked = str(faq_search.highlight_html(html, query))
    assert marked.replace("<mark>", "").replace("</mark>", "") == html
