"""Where a `next` link may send the browser: only a path on this site (no open redirect)."""
from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (another host, `//host`, nothing)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return None
