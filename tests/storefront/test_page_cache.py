"""Anonymous visitors' landing page and FAQ are kept for a second per process; signed-in
visitors never get a kept page; a commit in this process forgets every kept page."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from storefront import db
from storefront.models import CopyBlock, CopyVersion
from storefront.services import copy


@pytest.fixture
def stored_copy(app):
    with app.app_context():
        copy.ensure_blocks(db.session())


def hero(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index('data-testid="hero"'):page.index("compare-heading")]


def publish_from_another_process(app, words: str) -> None:
    """Written straight to the database: this process commits nothing, so it forgets nothing."""
    now = datetime.now(timezone.utc)
    with app.extensions["database"].engine.begin() as connection:
        block_id = connection.execute(select(CopyBlock.id).where(CopyBlock.slug == "hero")).scalar_one()
        connection.execute(CopyVersion.__table__.insert().values(
            block_id=block_id, title="Top", body=f"# {words}", created_at=now, published_at=now))


def test_visitors_get_the_kept_page_for_at_most_a_second(app, stored_copy, clock):
    visitor = app.test_client()
    before = hero(visitor)
    publish_from_another_process(app, "Brand new words")
    assert hero(visitor) == before
    clock.advance(seconds=app.config["PAGE_CACHE_SECONDS"] + 0.1)
    assert "Brand new words" in hero(visitor)


def test_a_commit_here_shows_at_once(app, stored_copy, clock, customers):
    marketer = customers.signed_in("mia@example.com", roles=("marketing",))
    visitor = app.test_client()
    hero(visitor)
    marketer.post("/staff/copy/hero", data={"title": "Top", "body": "# Published here", "action": "confirm_publish"})
    assert "Published here" in hero(visitor)


def test_signed_in_visitors_never_get_the_visitors_page(app, stored_copy, clock, customers):
    member = customers.signed_in("member@example.com")
    visitor = app.test_client()
    assert "Sign out" not in visitor.get("/").get_data(as_text=True)
    assert "Sign out" in member.get("/").get_data(as_text=True)
    assert "Sign out" not in visitor.get("/").get_data(as_text=True)


def test_unknown_query_parameters_share_the_kept_page(app, stored_copy, clock):
    visitor = app.test_client()
    before = hero(visitor)
    publish_from_another_process(app, "Brand new words")
    for link in ("/?utm_source=newsletter", "/?fbclid=abc&utm_campaign=x"):
        page = visitor.get(link).get_data(as_text=True)
        assert "Brand new words" not in page and before in page


def test_api_use_and_other_writes_that_change_no_page_keep_the_pages(app, stored_copy, clock):
    from tests.storefront.helpers import api_for

    api = api_for(app, "script@example.com")  # a commit: tokens and credits change no public page
    visitor = app.test_client()
    before = hero(visitor)
    publish_from_another_process(app, "Brand new words")
    for _ in range(3):
        assert api.get("/credits").status_code == 200
    assert hero(visitor) == before


def test_a_token_records_its_use_at_most_once_a_minute(app, clock):
    from storefront.models import ApiToken
    from tests.storefront.helpers import api_for

    api = api_for(app, "script@example.com")

    def last_used():
        with app.app_context():
            return db.session().scalar(select(ApiToken.last_used_at))

    api.get("/credits")
    first = last_used()
    assert first is not None
    clock.advance(seconds=30)
    api.get("/credits")
    assert last_used() == first
    clock.advance(seconds=31)
    api.get("/numbers")
    assert last_used() > first


def test_a_kept_page_is_compressed_once_not_once_per_answer(app, stored_copy, clock, monkeypatch):
    import gzip

    import brotli

    real_compress, calls = brotli.compress, []

    def counting(data, **options):
        calls.append(len(data))
        return real_compress(data, **options)

    monkeypatch.setattr(brotli, "compress", counting)
    visitor = app.test_client()
    plain = visitor.get("/").get_data()
    answers = [visitor.get("/", headers={"Accept-Encoding": "br, gzip"}) for _ in range(4)]
    for answer in answers:
        assert answer.headers["Content-Encoding"] == "br" and "Accept-Encoding" in answer.headers["Vary"]
        assert brotli.decompress(answer.get_data()) == plain
    # The kept page, compressed when a browser first asked for it (other calls: the static
    # files its links name, compressed once per process).
    assert calls.count(len(plain)) == 1
    zipped = visitor.get("/", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == plain
