"""The copy editor: Markdown with live prices, sanitized; drafts, publishing, history,
roll-back; the FAQ and its search."""
import re
from html import unescape

import pytest

from tests.storefront.helpers import germany_bundle


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def marketer(customers):
    return customers.signed_in("mia@example.com", roles=("marketing",))


def publish(client, slug: str, title: str, body: str):
    return client.post(f"/staff/copy/{slug}", data={"title": title, "body": body, "action": "confirm_publish"})


def test_the_landing_hero_is_published_with_a_live_price(marketer, client, stocked_app):
    body = "# Numbers that just work\n\nA 3-month German bundle is [[price:DE:long:3]] all in."
    assert publish(marketer, "hero", "Top of the home page", body).status_code == 302
    hero = text(client.get("/"))
    assert "Numbers that just work" in hero
    assert f"A 3-month German bundle is {germany_bundle(stocked_app, 3)} all in." in hero


def test_a_draft_is_not_seen_by_visitors_until_published(marketer, client):
    marketer.post("/staff/copy/hero", data={"title": "Top", "body": "# Draft only", "action": "draft"})
    assert "Draft only" not in text(client.get("/"))
    assert "Draft only" in text(marketer.get("/staff/copy/hero"))


@pytest.mark.parametrize("token, message", [
    ("[[price:XX:long:3]]", "XX"),
    ("[[price:DE:long:5]]", "3, 6, 9"),
    ("[[price:DE:short:16]]", "1"),
    ("[[cost:DE:long:3]]", "not a token we know"),
    ("[[price:DE:medium:3]]", "'long' or 'short'"),
])
def test_a_bad_token_is_shown_in_the_editor_and_blocks_publishing(marketer, client, token, message):
    response = publish(marketer, "hero", "Top", f"# New hero {token}")
    assert response.status_code == 422
    problems = text(response)
    assert "Not ready to publish" in problems and message in problems
    assert "New hero" not in text(client.get("/"))


def test_published_copy_renders_script_handlers_and_javascript_urls_inert(marketer, client):
    body = ('# Hello\n\n<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(2)">\n\n'
            '[click](javascript:alert(3)) <a href="javascript:alert(4)">me</a> <p onclick="alert(5)">hi</p>')
    assert publish(marketer, "hero", "Top", body).status_code == 302
    page = client.get("/").get_data(as_text=True)
    hero = page[page.index('data-testid="hero"'):page.index("compare-heading")]
    assert "<script" not in hero and "alert(1)" not in hero
    assert "onerror" not in hero and "onclick" not in hero
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", hero, re.IGNORECASE)
    assert "Hello" in hero


def test_the_preview_is_a_fragment_with_live_prices(marketer, stocked_app):
    response = marketer.post("/staff/copy/hero", headers={"HX-Request": "true"},
                             data={"title": "Top", "body": "**Six months:** [[price:DE:long:6]]", "action": "preview"})
    html = text(response)
    assert html.lstrip().startswith('<section id="preview"')
    assert f"<strong>Six months:</strong> {germany_bundle(stocked_app, 6)}" in html


def test_history_records_author_and_rolls_back(marketer, client):
    publish(marketer, "hero", "Top", "# First words")
    publish(marketer, "hero", "Top", "# Second words")
    history = text(marketer.get("/staff/copy/hero"))
    assert history.count("mia@example.com") == 2
    first_version = re.search(r'data-version="(\d+)">\s*<th scope="row">2</th>', history).group(1)
    marketer.post(f"/staff/copy/hero/roll-back/{first_version}")
    assert "First words" in text(client.get("/"))
    assert "Rolled back to version 2" in text(marketer.get("/staff/copy/hero"))


def test_faq_entries_are_added_reordered_and_removed(marketer, client):
    response = marketer.post("/staff/copy/faq", data={"question": "Do you sell fax numbers?"})
    slug = response.headers["Location"].rsplit("/", 1)[1]
    assert "Do you sell fax numbers?" not in text(client.get("/faq"))  # not published yet
    publish(marketer, slug, "Do you sell fax numbers?", "No, only numbers for calls and messages.")
    faq = text(client.get("/faq"))
    assert f'id="{slug}"' in faq and "only numbers for calls" in faq

    before = re.findall(r'<article class="faq-entry copy" id="([^"]+)"', faq)
    marketer.post(f"/staff/copy/{slug}/move", data={"direction": "up"})
    after = re.findall(r'<article class="faq-entry copy" id="([^"]+)"', text(client.get("/faq")))
    assert after.index(slug) == before.index(slug) - 1

    marketer.post(f"/staff/copy/{slug}/remove")
    assert "fax numbers" not in text(client.get("/faq"))


def test_faq_search_works_as_a_plain_get_and_as_a_fragment(client):
    everything = text(client.get("/faq"))
    assert "When am I billed?" in everything and "Can I return a long-term number" in everything
    found = text(client.get("/faq?q=24 hours"))
    assert "Can I return a long-term number" in found and "When am I billed?" not in found
    fragment = text(client.get("/faq?q=reserve", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<div id="faq-results"') and "<html" not in fragment
    assert "No answer mentions" in text(client.get("/faq?q=zeppelin"))


def test_faq_answers_carry_the_live_bundle_price(client, app):
    assert f"3 months cost {germany_bundle(app, 3)}" in text(client.get("/faq"))


def test_customers_and_visitors_are_kept_out_of_the_editor(customers, client):
    assert client.get("/staff/copy").status_code == 302
    customer = customers.signed_in("cus@example.com")
    assert customer.get("/staff/copy").status_code == 403
    assert customer.post("/staff/copy/hero", data={"title": "x", "body": "y", "action": "confirm_publish"}).status_code == 403


def test_htmx_preview_posts_carry_the_csrf_token_and_fail_without_it(marketer, app):
    app.config["WTF_CSRF_ENABLED"] = True
    page = text(marketer.get("/staff/copy/hero"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"title": "Top", "body": "# Hi", "action": "preview"}
    assert marketer.post("/staff/copy/hero", data={**form, "csrf_token": token},
                         headers={"HX-Request": "true"}).status_code == 200
    assert marketer.post("/staff/copy/hero", data=form, headers={"HX-Request": "true"}).status_code == 400


def test_publish_first_shows_what_changes_against_the_live_text_and_waits_for_a_yes(marketer, client):
    body = "# Numbers that just work\n\nNew line here."
    checking = marketer.post("/staff/copy/hero", data={"title": "Top", "body": body, "action": "publish"})
    assert checking.status_code == 200
    page = re.sub(r"<[^>]+>", "", text(checking))
    assert "Publish these changes?" in page
    assert "Added: # Numbers that just work" in page and "Added: New line here." in page
    assert "Removed: " in page  # the starting copy's lines
    assert "Numbers that just work" not in text(client.get("/"))  # nothing published yet
    assert publish(marketer, "hero", "Top", body).status_code == 302
    assert "Numbers that just work" in text(client.get("/"))


def test_the_editor_says_what_the_sanitizer_removed(marketer):
    body = ('Hello <script>steal()</script> <a href="javascript:alert(1)">click</a> '
            '<b onclick="x()" style="color:red">bold</b> [fine](https://example.com)')
    page = text(marketer.post("/staff/copy/hero", data={"title": "Top", "body": body, "action": "preview"},
                              headers={"HX-Request": "true"}))
    removed = re.search(r'data-testid="sanitizer-removed">\s*<p>(.*?)</p>', page, re.S).group(1)
    assert "the <script> element" in removed
    assert "a javascript: link in <a>" in removed
    assert "the onclick attribute of <b>" in removed and "the style attribute of <b>" in removed
    assert "https" not in removed.split("Links may")[0]  # the allowed link is kept


def test_clean_copy_reports_nothing_removed(stocked_app):
    from storefront import db
    from storefront.services import copy
    from storefront.services.catalog import current_catalog

    with stocked_app.app_context():
        catalog = current_catalog(db.session())
        assert copy.sanitizer_removals(catalog, "**Bold** [link](https://example.com) [[price:DE:long:3]]") == []
        assert sorted(copy.sanitizer_removals(catalog, "<img src=x onerror=alert(1)> <iframe></iframe>")) == [
            "the <iframe> element", "the onerror attribute of <img>"]


def test_the_diff_keeps_context_and_marks_changed_lines(stocked_app):
    from storefront import db
    from storefront.services import copy

    with stocked_app.app_context():
        session = db.session()
        copy.ensure_blocks(session)
        block = copy.block_by_slug(session, "hero")
        live = block.live
        lines = copy.diff_against_live(block, live.title, live.body + "\n\nOne more line.")
        assert {line.kind for line in lines} == {"same", "added"}
        assert lines[-1].text == "One more line."
        assert copy.diff_against_live(block, live.title, live.body) == []
