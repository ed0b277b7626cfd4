"""Domain errors of the index layer.

KmsError
├── EmbedderError      - a model can't be found, loaded or converted
├── IndexNotFoundError - no built index in the data directory
├── IndexMismatchError - the index was built by another model/tokenizer than configured
├── IndexCorruptError  - an index folder is incomplete or unreadable
├── StorageError       - the database can't be reached or migrated
└── DuplicateIdError   - a new record's id is already taken (inserts never overwrite)
"""

from __future__ import annotations

from typing import Any


class KmsError(Exception):
    """Base class of every error KMS Assist raises on purpose."""

    code = "kms_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class EmbedderError(KmsError):
    code = "embedder_error"


class IndexNotFoundError(KmsError):
    code = "index_not_found"


class IndexMismatchError(KmsError):
    code = "index_mismatch"


class IndexCorruptError(KmsError):
    code = "index_corrupt"


class StorageError(KmsError):
    code = "storage_error"


class DuplicateIdError(KmsError):
    code = "duplicate_id"
