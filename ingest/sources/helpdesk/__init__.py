"""Helpdesk imports: Zendesk, Freshdesk, Chatwoot and Channel Talk exports as tickets.

    import_helpdesk(paths, "zendesk", settings) -> IngestReport   # kms ingest --from zendesk PATH
    read_export("chatwoot", paths) -> HelpdeskRead                 # tickets + issues, nothing stored

One module per product turns its export's records into :class:`~.conversation.Conversation`;
``conversation`` holds the common model and cleanup (HTML, quoted replies, which message is the
inquiry and which the resolution); ``fields`` reads a record's fields (or names the bad one);
``importer`` stores them incrementally.
"""

from __future__ import annotations

from .conversation import Conversation, HelpdeskRead, Imported, Message, clean_text, strip_quoted
from .importer import PRODUCTS, import_helpdesk, read_export

__all__ = [
    "PRODUCTS",
    "Conversation",
    "HelpdeskRead",
    "Imported",
    "Message",
    "clean_text",
    "import_helpdesk",
    "read_export",
    "strip_quoted",
]
