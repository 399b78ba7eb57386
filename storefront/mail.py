"""Sending e-mail: over SMTP when SMTP_HOST is set, else written as .eml files to
MAIL_DIR (instance/mail in development) where a developer can open them."""
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@storefront>"
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail; raises OSError (or smtplib's errors) if it could not."""
    message = build_message(to, subject, body)
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
    (folder / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))


def sent_messages(folder: str | Path) -> list[EmailMessage]:
    """The e-mails written to `folder`, oldest first (development and tests)."""
    from email import policy
    from email.parser import BytesParser

    files = sorted(Path(folder).glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]
