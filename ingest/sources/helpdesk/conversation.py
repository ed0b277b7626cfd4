"""The common model of a helpdesk conversation and how it becomes a :class:`TicketRecord`.

Each product module turns one exported record into a :class:`Conversation` (its messages with a
role, public/private flag and text); :func:`to_ticket` then picks what the knowledge base keeps:

- inquiry: the customer's messages before the first public agent reply (all of them when no agent
  replied), joined by blank lines;
- resolution: the agent's public replies from the last one that says something of substance
  (a sentence that is not courtesy and is a general statement, :mod:`korean.roles`) to the end,
  so "다행입니다! 좋은 하루 보내세요." after the real answer does not replace it; private/internal
  notes, bot and activity messages never count, even when they come last;
- first reply (``first_response_at``): the product's own figure where its export has one, else
  the time of the first public agent reply; reopens only as the product counts them;
- text: HTML rendered to text (:func:`~ingest.sources.html.html_to_markdown`, bold markers dropped)
  and quoted reply tails cut ("On … wrote:", "-----Original Message-----", "…님이 작성:", "> …").

Nothing is masked here: the import masks tickets as every ticket ingest does (``mask_record_ticket``).
The source's update time travels in ``TicketRecord.source`` (``file#product:id@time``), so a later
import can tell a newer export of a conversation from an older one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from core.records import IngestIssue, TicketRecord
from ingest.sources.html import html_to_markdown
from korean.pii import mask_pii
from korean.roles import RoleLabel, classify
from korean.sentences import split_sentences

from .fields import RecordError

Role = Literal["customer", "agent", "bot", "system"]


@dataclass
class Message:
    role: Role
    text: str
    html: bool = False
    private: bool = False
    created_at: datetime | None = None


@dataclass
class Conversation:
    product: str
    source_id: str
    messages: list[Message]
    subject: str = ""
    status: str = ""  # resolved | closed | open | pending (kept as the product says when unknown)
    tags: list[str] = field(default_factory=list)
    channel: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    resolved_at: datetime | None = None
    csat: float | None = None  # 1-5
    customer_ref: str | None = None
    first_response_at: datetime | None = None  # the product's own figure; else the first agent reply
    reopens: int | None = None  # as the product counts them (None: it does not say)


@dataclass
class Imported:
    """One conversation as a ticket, with the source's update time (None when it has none)."""

    ticket: TicketRecord
    updated_at: datetime | None


@dataclass
class HelpdeskRead:
    """What reading one export gave: tickets, issues, and how many records the file held."""

    items: list[Imported] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)
    records: int = 0

    @property
    def failed(self) -> int:
        """Records that did not become a ticket (each has an error in ``issues``)."""
        return self.records - len(self.items)


# --- text cleanup -------------------------------------------------------------------------------

_QUOTE_HEADERS = [
    re.compile(r"^\s*On .{4,200}wrote:\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Forwarded message|원본 메시지|전달된 메시지)\s*-{2,}\s*$", re.I
    ),
    re.compile(r"^.{0,200}님이 작성:\s*$"),
    re.compile(r"^\s*(From|보낸 사람|보낸사람)\s*:.+$", re.IGNORECASE),
    re.compile(r"^\s*##-.*-##\s*$"),  # Zendesk's "Please type your reply above this line" marker
]
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def strip_quoted(text: str) -> str:
    """``text`` without its quoted tail: everything from the first quote header or ``>`` line on."""
    kept: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(">") or any(p.match(line) for p in _QUOTE_HEADERS):
            break
        kept.append(line)
    return "\n".join(kept)


def clean_text(text: str, *, html: bool = False) -> str:
    """Plain text of a message: HTML rendered (quoted ``blockquote``s dropped), quoted tail cut."""
    if html:
        text = re.sub(r"<blockquote\b.*?</blockquote>", "", text, flags=re.IGNORECASE | re.DOTALL)
        text = _BOLD.sub(r"\1", html_to_markdown(text))
    text = strip_quoted(text.replace("\r\n", "\n").replace("\u00a0", " "))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- conversation -> ticket ---------------------------------------------------------------------

RESOLVED = {"resolved", "closed", "solved"}


_COURTESY = re.compile(
    r"감사|고맙|다행|좋은 하루|즐거운 하루|행복한 하루|언제든|또 문의|문의 주세요|연락 주세요|도움이 되|"
    r"이용해 주셔서|thank|glad|have a (?:good|great|nice)|anytime|let us know",
    re.IGNORECASE,
)


def substantive(reply: str) -> bool:
    """Whether a reply holds an answer, not only a sign-off: a non-courtesy sentence that is a
    rule (``general``) or what was found in this case ("카드사 한도 문제로 보입니다"); a report of
    what was done ("처리 완료되었습니다") closes a case but does not answer it."""
    return any(not _COURTESY.search(s) and _answers(classify(s)) for s in split_sentences(reply) if s.strip())


def _answers(label: RoleLabel) -> bool:
    return label.role == "general" or (label.role == "case_report" and label.reason == "case cue")


def to_ticket(conv: Conversation, *, file: str) -> Imported:
    """The ticket of one conversation (see the module docstring for what is kept)."""
    cleaned = [(m, clean_text(m.text, html=m.html)) for m in conv.messages]
    public = [(m, text) for m, text in cleaned if text and not m.private]
    first_reply = next((i for i, (m, _) in enumerate(public) if m.role == "agent"), len(public))
    inquiry = "\n\n".join(text for m, text in public[:first_reply] if m.role == "customer")
    if not inquiry:  # the customer wrote only after an agent opened the conversation
        inquiry = next((text for m, text in public if m.role == "customer"), "")
    if not inquiry:
        raise RecordError("messages", len(conv.messages), "no customer message with text")
    replies = [(m, text) for m, text in public if m.role == "agent"]
    first_reply_at = next((m.created_at for m, _ in replies if m.created_at), None)
    start = next((i for i in range(len(replies) - 1, -1, -1) if substantive(replies[i][1])), len(replies) - 1)
    resolution = "\n\n".join(text for _, text in replies[max(start, 0) :])
    resolved_at = conv.resolved_at
    if resolved_at is None and replies and conv.status in RESOLVED:
        resolved_at = replies[-1][0].created_at or conv.updated_at
    stamp = f"@{conv.updated_at.isoformat()}" if conv.updated_at else ""
    ticket = TicketRecord(
        ticket_id=f"{conv.product}-{conv.source_id}",
        inquiry=inquiry,
        source=f"{file}#{conv.product}:{conv.source_id}{stamp}",
        subject=clean_text(conv.subject),
        resolution=resolution,
        status=conv.status,
        tags=list(dict.fromkeys(conv.tags)),
        channel=conv.channel,
        created_at=conv.created_at,
        resolved_at=resolved_at,
        csat=conv.csat,
        customer_ref=conv.customer_ref,
        first_response_at=conv.first_response_at or first_reply_at,
        reopens=conv.reopens,
    )
    return Imported(ticket=ticket, updated_at=conv.updated_at)


def stored_updated_at(source: str) -> datetime | None:
    """The source update time an imported ticket's ``source`` carries (None if it has none)."""
    match = re.search(r"#[a-z]+:[^#@]+@(\S+)$", source or "")
    if not match:
        return None
    try:
        stamp = datetime.fromisoformat(match.group(1))
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


# --- reading an export --------------------------------------------------------------------------


class ExportError(ValueError):
    """The file as a whole cannot be read (not JSON, not this product's shape)."""


def load_json(path: Path) -> Any:
    """A JSON document, or the records of a JSON Lines file (one JSON value a line)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read the file ({exc.__class__.__name__}: {exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as first:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if len(lines) < 2:
            raise ExportError(f"not JSON: {first.msg} at line {first.lineno}") from None
        records = []
        for n, line in lines:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ExportError(f"not JSON or JSON Lines: line {n}: {exc.msg}") from None
        return records


def convert(
    product: str,
    path: Path,
    records: Iterable[Any],
    parse: Callable[[dict[str, Any]], Conversation],
) -> HelpdeskRead:
    """Parse every record; one that fails becomes an error naming its number, id and field."""
    file = str(path)
    result = HelpdeskRead()
    for number, record in enumerate(records, start=1):
        result.records += 1
        label = f"{product} record #{number}"
        try:
            if not isinstance(record, dict):
                raise RecordError("record", type(record).__name__, "expected a JSON object")
            if record.get("id") is not None:
                label += f" (id {record['id']})"
            result.items.append(to_ticket(parse(record), file=file))
        except RecordError as exc:
            value = (
                exc.value
                if isinstance(exc.value, str)
                else json.dumps(exc.value, ensure_ascii=False, default=str)
            )
            result.issues.append(
                IngestIssue(
                    file=file,
                    field=exc.field,
                    value=mask_pii(value),
                    reason=f"{label}: {exc.reason}; skipped",
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # never abort the import
            reason = f"{label}: unreadable ({mask_pii(repr(exc))}); skipped"
            result.issues.append(IngestIssue(file=file, field="record", reason=reason))
    return result
