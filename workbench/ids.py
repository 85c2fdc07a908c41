"""Identifiers and timestamps: UUIDs for rows, content-derived ids for articles, UTC times."""

import datetime
import hashlib
import uuid

# Fixed namespace so that the same text gives the same article id in every database.
ARTICLE_NAMESPACE = uuid.UUID("8b1f8f5e-3c7e-5d0a-9a52-6f1e0c4b7a21")
REVIEWER_NAMESPACE = uuid.UUID("2f6a1c9e-4b7d-5e38-8c10-93d4a5b6e7f8")
BLOB_NAMESPACE = uuid.UUID("5d3e9b2a-7c41-5f86-b0e9-1a2b3c4d5e6f")


def new_id() -> str:
    """A fresh random UUID as text."""
    return str(uuid.uuid4())


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of some bytes, as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def article_id(body: str) -> str:
    """The id of an article: a UUIDv5 of the SHA-256 of its normalised body."""
    return str(uuid.uuid5(ARTICLE_NAMESPACE, sha256_hex(body.encode("utf-8"))))


def reviewer_id(name: str) -> str:
    """The id of a reviewer: the same name gives the same id in every database."""
    return str(uuid.uuid5(REVIEWER_NAMESPACE, " ".join(name.split()).casefold()))


def blob_id(sha256: str) -> str:
    """The id of stored attachment bytes, derived from their SHA-256."""
    return str(uuid.uuid5(BLOB_NAMESPACE, sha256))


def now() -> str:
    """The current UTC time in ISO 8601 with microseconds, sortable as text."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
