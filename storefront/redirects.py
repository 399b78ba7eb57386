"""Where a `next` link may send the browser: only a path on this site (no open redirect)."""
from urllib.parse import urlsplit

# Longer is no path of ours (and would not fit where a top-up keeps it).
MAX_LENGTH = 500


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: another host, `//host`, `/\\host`
    (browsers read a backslash as a slash), control characters (CR/LF), over-long."""
    if not target or len(target) > MAX_LENGTH or "\\" in target:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return None
