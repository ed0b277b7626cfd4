"""Moved: the masker is :mod:`korean.pii` (the foundation layer, so the storage layer can mask
every write) and the record helpers are :mod:`indexes.masking`. This module only re-exports them
for code written before the move; import from those modules instead."""

from indexes.masking import mask_record_article, mask_record_ticket
from korean.pii import PII_PLACEHOLDERS, PLACEHOLDER_BY_KIND, PiiMatch, find_pii, luhn_ok, mask_pii

__all__ = [
    "PII_PLACEHOLDERS",
    "PLACEHOLDER_BY_KIND",
    "PiiMatch",
    "find_pii",
    "luhn_ok",
    "mask_pii",
    "mask_record_article",
    "mask_record_ticket",
]
