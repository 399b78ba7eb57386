"""Static files: fingerprinted URLs cached for a year; text answers compressed."""
import gzip
import hashlib
import re
from pathlib import Path

import storefront

STATIC = Path(storefront.__file__).parent / "static"


def stylesheet_url(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)


def test_pages_link_fingerprinted_static_files(client):
    url = stylesheet_url(client)
    digest = hashlib.sha256((STATIC / "css/site.css").read_bytes()).hexdigest()[:12]
    assert url == f"/static/css/site.css?v={digest}"


def test_a_fingerprinted_file_is_cached_for_a_year(client):
    response = client.get(stylesheet_url(client))
    assert response.status_code == 200
    cache = response.cache_control
    assert cache.public and cache.max_age == 31536000 and cache.immutable
    assert response.get_data() == (STATIC / "css/site.css").read_bytes()


def test_an_unfingerprinted_or_stale_url_must_revalidate(client):
    for url in ("/static/css/site.css", "/static/css/site.css?v=0123456789ab"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.no_cache and not response.cache_control.immutable
        etag = response.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_static_files_are_compressed_when_the_client_accepts_it(client):
    url = stylesheet_url(client)
    plain = (STATIC / "css/site.css").read_bytes()
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()) == plain
    assert int(response.headers["Content-Length"]) < len(plain) / 2
    assert client.get(url, headers={"Accept-Encoding": "br, gzip"}).headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in client.get(url).headers


def test_pages_are_gzipped_and_vary_on_encoding_and_htmx(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.get_data()).decode()
    vary = {value.strip() for value in response.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "HX-Request"} <= vary


def test_json_is_gzipped_too(client):
    response = client.get("/api/v1/catalog", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()).startswith(b"{")


def test_a_missing_or_escaping_static_path_is_404(client):
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../__init__.py").status_code == 404


def test_robots_txt_keeps_crawlers_to_the_public_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "User-agent: *" in text and "Disallow: /staff/" in text and "Disallow: /account/" in text
    assert "Disallow: /\n" not in text
    assert "Sitemap: http://localhost/sitemap.xml" in text
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/faq</loc>" in sitemap


def test_pages_have_an_icon_and_favicon_ico_finds_it(client):
    html = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert icon.startswith("/static/favicon.svg?v=")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.headers["Location"] == icon
    assert client.get(icon).mimetype == "image/svg+xml"
