"""Static files: fingerprinted URLs, cached for a year, compressed once per process.

`url_for('static', filename=...)` gets `?v=<content hash>`; an answer to a URL with the
current hash may be kept by browsers and proxies for a year (`immutable`): a new version
of the file has a new hash, hence a new URL. Any other static request is answered with
`no-cache` (revalidate with the ETag).

Each file is read, hashed and compressed (gzip, and brotli when the `brotli` module is
there) once per process and version: the cache is keyed by the file's modification time
and size, so an edited file is picked up without a restart. Dynamic answers (HTML, JSON)
are compressed by Flask-Compress (see `init_app`); it leaves answers that already carry a
Content-Encoding alone.
"""
import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass

from flask import Flask, abort, current_app, request
from werkzeug.security import safe_join

try:
    import brotli
except ImportError:  # pragma: no cover - brotli comes with flask-compress
    brotli = None

ONE_YEAR = 365 * 24 * 60 * 60
MIN_SIZE = 500  # below this, compression saves less than its headers cost
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class StaticFile:
    digest: str
    mimetype: str
    bodies: dict  # content coding ("identity", "gzip", "br") -> bytes


class StaticFiles:
    def __init__(self, folder: str):
        self.folder = folder
        self._files: dict[str, tuple[tuple[int, int], StaticFile]] = {}

    def get(self, filename: str) -> StaticFile | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        version = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(filename)
        if cached and cached[0] == version:
            return cached[1]
        with open(path, "rb") as handle:
            data = handle.read()
        static_file = _prepare(filename, data)
        self._files[filename] = (version, static_file)
        return static_file


def _prepare(filename: str, data: bytes) -> StaticFile:
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    bodies = {"identity": data}
    if len(data) >= MIN_SIZE and mimetype.startswith(COMPRESSIBLE):
        bodies["gzip"] = gzip.compress(data, compresslevel=9, mtime=0)
        if brotli is not None:
            bodies["br"] = brotli.compress(data, quality=11)
    return StaticFile(hashlib.sha256(data).hexdigest()[:12], mimetype, bodies)


def negotiated(bodies: dict, mimetype: str) -> str:
    """The content coding to answer with: brotli or gzip when the browser accepts it and the
    body is worth compressing, else "identity". `bodies` maps codings to bodies; one that is
    missing is made now (at Flask-Compress's levels) and kept in `bodies` for the next answer."""
    identity = bodies["identity"]
    if len(identity) < MIN_SIZE or not mimetype.startswith(COMPRESSIBLE):
        return "identity"
    accepted = request.accept_encodings
    for coding in ("br", "gzip"):
        if accepted[coding] and (coding == "gzip" or brotli is not None):
            if coding not in bodies:
                config = current_app.config
                bodies[coding] = (brotli.compress(identity, quality=config.get("COMPRESS_BR_LEVEL", 4))
                                  if coding == "br" else
                                  gzip.compress(identity, compresslevel=config.get("COMPRESS_LEVEL", 6), mtime=0))
            return coding
    return "identity"


def serve_static(filename: str):
    static_file = current_app.extensions["static_files"].get(filename)
    if static_file is None:
        abort(404)
    coding = negotiated(static_file.bodies, static_file.mimetype)
    response = current_app.response_class(static_file.bodies[coding], mimetype=static_file.mimetype)
    if coding != "identity":
        response.headers["Content-Encoding"] = coding
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{static_file.digest}-{coding}")
    if request.args.get("v") == static_file.digest:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    from flask_compress import Compress

    files = StaticFiles(app.static_folder)
    app.extensions["static_files"] = files
    app.view_functions["static"] = serve_static

    @app.url_defaults
    def fingerprint(endpoint, values):
        if endpoint == "static" and "v" not in values:
            static_file = files.get(values.get("filename", ""))
            if static_file is not None:
                values["v"] = static_file.digest

    # HTML, CSS, JS and JSON answers of the views; brotli or gzip (Lighthouse and every
    # browser know both), never streamed answers (none of ours is).
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
        "application/json", "application/problem+json", "image/svg+xml",
    ])
    Compress(app)
