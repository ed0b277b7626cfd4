"""Page labels of the article-draft review pages (joined into ``i18n.MESSAGES``).

The texts live in :mod:`assist.drafts.messages`, shared with ``kms drafts`` (which must not import
this package: ``assist.web`` loads FastAPI); add a label there."""

from __future__ import annotations

from assist.drafts.messages import DRAFT_MESSAGES

__all__ = ["DRAFT_MESSAGES"]
