"""Which webhook URLs a customer may have us call. In production only HTTPS URLs whose
host resolves to public addresses: a customer must not make our servers call our own
network (loopback, private ranges, link-local cloud metadata, …). Development and tests
allow plain HTTP to a local receiver."""
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500


def _resolve(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def refusal(url: str, *, production: bool) -> str | None:
    """Why we won't post to `url`, in words for its customer; None when we will."""
    if len(url) > MAX_URL_LENGTH:
        return f"The address is longer than {MAX_URL_LENGTH} characters."
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "That is not a web address (it should look like https://example.com/sms)."
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        return "The address must start with https:// and name a host." if production else \
            "The address must start with https:// (or http://) and name a host."
    if parts.username or parts.password:
        return "Put no user name or password in the address; check the X-Signature header instead."
    if not production:
        return None
    try:
        addresses = _resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        return f"We can't find the host {parts.hostname}."
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            return f"{parts.hostname} points into a private network ({address}); we only call public addresses."
    return None
