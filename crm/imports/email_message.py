"""Reading an e-mail (pasted, or a .eml file) into the fields of an inquiry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser, Parser
from email.utils import parseaddr
from html.parser import HTMLParser
from typing import Any

from crm.errors import DomainError
from crm.imports.values import ValueProblem, parse_datetime
from crm.models.enums import InquiryChannel
from crm.translations import gettext as _

MAX_MESSAGE = 20000  # what the inquiry form accepts
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title"})


class EmailReadError(DomainError):
    """The text or file is not an e-mail we can read."""


@dataclass
class ParsedEmail:
    sender_name: str = ""
    sender_email: str = ""
    received_at: datetime | None = None  # UTC
    subject: str = ""
    message: str = ""
    truncated: bool = False

    def form_data(self) -> dict[str, Any]:
        """Values for the inquiry form (its date field is naive UTC, to the minute)."""
        received = (
            self.received_at.replace(tzinfo=None, second=0, microsecond=0) if self.received_at else None
        )
        return {
            "sender_name": self.sender_name[:300],
            "sender_email": self.sender_email[:254],
            "received_at": received,
            "subject": self.subject[:300],
            "message": self.message,
            "channel": InquiryChannel.EMAIL.value,
        }


def parse_email_bytes(raw: bytes) -> ParsedEmail:
    """A .eml file: RFC 5322 with MIME parts, encoded words, quoted-printable or base64 bodies."""
    if not raw.strip():
        raise EmailReadError(_("The file is empty."))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    return _from_message(message, raw.decode("utf-8", "replace"), pasted=False)


def parse_email_text(text: str) -> ParsedEmail:
    """Pasted text: a whole message with its headers, or only the body."""
    if not text.strip():
        raise EmailReadError(_("Paste an e-mail or choose a .eml file."))
    message = Parser(policy=policy.default).parsestr(text.replace("\r\n", "\n").strip())
    return _from_message(message, text, pasted=True)


def _from_message(message: EmailMessage, original: str, *, pasted: bool) -> ParsedEmail:
    if not any(message.get(name) for name in ("From", "Subject", "Date", "Sent")):
        body = _clean(original)  # no headers: all of it is the message
        return ParsedEmail(message=body[:MAX_MESSAGE], truncated=len(body) > MAX_MESSAGE)
    parsed = ParsedEmail()
    parsed.sender_name, parsed.sender_email = _sender(message)
    parsed.subject = " ".join(_header_text(message, "Subject").split())
    parsed.received_at = _date(message)
    body = _body(message, pasted)
    parsed.message, parsed.truncated = body[:MAX_MESSAGE], len(body) > MAX_MESSAGE
    return parsed


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except (ValueError, TypeError, IndexError):  # a malformed header the parser could not fold
        return ""


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = message.get("From")
    try:
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except (ValueError, TypeError, IndexError):
        addresses = ()
    if addresses:
        return addresses[0].display_name.strip(), addresses[0].addr_spec.strip()
    name, address = parseaddr(_header_text(message, "From"))
    return name.strip(), address.strip()


def _date(message: EmailMessage) -> datetime | None:
    header = message.get("Date")
    value = getattr(header, "datetime", None) if header is not None else None
    if value is None:
        try:
            value = parse_datetime(_header_text(message, "Date") or _header_text(message, "Sent"))
        except ValueProblem:
            return None
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _body(message: EmailMessage, pasted: bool) -> str:
    """The text/plain part if there is one, else the HTML part as plain text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    try:
        if pasted and encoding in ("", "7bit", "8bit"):
            content = part.get_payload()  # already text: decoding it as bytes would mangle Cyrillic
        else:
            content = part.get_content()
    except (LookupError, ValueError, UnicodeError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return _clean(content)


def _clean(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """An HTML-only e-mail as readable text: tags dropped, paragraphs kept, scripts and styles left out."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.strip() for line in "".join(extractor.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
