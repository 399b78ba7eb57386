"""Sending e-mail: over SMTP when SMTP_HOST is set, else written as .eml files to
MAIL_DIR (instance/mail in development) where a developer can open them.

Plain-text bodies keep their lines as written (7bit for ASCII, 8bit UTF-8 otherwise)
rather than quoted-printable, so a long password-reset link can be copied straight out
of the .eml file; each file written is also logged (path, subject, links) to the console
of `make run`.
"""
import logging
import re
import smtplib
import sys
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)
LINK = re.compile(r"https?://\S+")
MAX_LINE = 998  # RFC 5322: longer lines must be encoded (quoted-printable)


def build_message(to: str, subject: str, body: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@storefront>"
    if max(map(len, body.splitlines() or [""])) <= MAX_LINE:
        message.set_content(body, cte="7bit" if body.isascii() else "8bit")
    else:
        message.set_content(body)
    if html is not None:
        # The HTML alternative; 8bit keeps it readable in the .eml as written.
        long_lines = max(map(len, html.splitlines() or [""])) > MAX_LINE
        encoding = {} if long_lines else {"cte": "7bit" if html.isascii() else "8bit"}
        message.add_alternative(html, subtype="html", **encoding)
    return message


def send(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send one e-mail (text, and HTML if given); raises OSError (or smtplib's errors) if it could not."""
    message = build_message(to, subject, body, html)
    config = current_app.config
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
        return
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.eml"
    path.write_bytes(bytes(message))
    _announce(path, to, subject, body)


def _announce(path: Path, to: str, subject: str, body: str) -> None:
    """Development: say on the console where the e-mail went and which links it holds."""
    if not log.handlers and not logging.getLogger().handlers:
        # `make run`: plain lines a developer can read and copy a link from (not the JSON
        # request log the app's own logger writes). Under pytest or a logging set-up of
        # its own, records go the usual way.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    lines = [f"E-mail to {to}, {subject!r}: written to {path}"]
    lines += [f"  link: {link}" for link in LINK.findall(body)]
    log.info("\n".join(lines))


def sent_messages(folder: str | Path) -> list[EmailMessage]:
    """The e-mails written to `folder`, oldest first (development and tests)."""
    from email import policy
    from email.parser import BytesParser

    files = sorted(Path(folder).glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]
