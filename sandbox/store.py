"""The sandbox's persistent state: JSON documents in SQLite, with change sequence numbers.

Every write takes the next global sequence number, so a delta query is "what changed after
sequence N", and a deletion leaves a tombstone that delta can report as ``@removed``.
"""

from __future__ import annotations

import builtins
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    owner TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    PRIMARY KEY (collection, owner, id)
);
CREATE INDEX IF NOT EXISTS documents_by_seq ON documents (collection, owner, seq);
CREATE INDEX IF NOT EXISTS documents_by_folder
    ON documents (collection, owner, json_extract(data, '$.parentFolderId'), seq);
CREATE INDEX IF NOT EXISTS documents_by_conversation
    ON documents (collection, owner, json_extract(data, '$.conversationId'), seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
"""

_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class Change:
    """One document as delta sees it: its latest version or its tombstone."""

    id: str
    seq: int
    deleted: bool
    data: dict[str, Any]


class Store:
    """A small document store over SQLite, safe to share between threads."""

    def __init__(self, path: Path | None) -> None:
        """Open (or create) the store.

        Args:
            path: the database file; ``None`` keeps everything in memory.
        """
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so they land together or not at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _next_seq(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) + 1 if row else 1
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('seq', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(seq),),
        )
        return seq

    def current_seq(self) -> int:
        """Return the latest sequence number handed out."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
            return int(row[0]) if row else 0

    def put(self, collection: str, owner: str, doc_id: str, data: dict[str, Any]) -> int:
        """Insert or replace a document.

        Returns:
            The sequence number of the write.
        """
        with self._lock:
            seq = self._next_seq()
            self._db.execute(
                "INSERT INTO documents (collection, owner, id, seq, deleted, data) "
                "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (collection, owner, id) DO UPDATE SET "
                "seq = excluded.seq, deleted = 0, data = excluded.data",
                (collection, owner, doc_id, seq, json.dumps(data)),
            )
            return seq

    def get(self, collection: str, owner: str, doc_id: str) -> dict[str, Any] | None:
        """Return a live document, or ``None``."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM documents WHERE collection = ? AND owner = ? AND id = ? "
                "AND deleted = 0",
                (collection, owner, doc_id),
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def list(
        self, collection: str, owner: str, *, where: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Return the live documents of an owner, oldest write first.

        Args:
            collection: the kind of document.
            owner: whose documents.
            where: top-level fields and the value each must have. ``parentFolderId`` and
                ``conversationId`` are indexed, as Exchange indexes a mailbox, so reading one
                folder or one conversation does not read (and decode) the whole mailbox.

        Raises:
            ValueError: when a field name in ``where`` is not a plain name.
        """
        statement, values = _select_live(collection, owner, where or {})
        with self._lock:
            rows = self._db.execute(statement, values).fetchall()
        return [dict(json.loads(row[0])) for row in rows]

    def plan(self, collection: str, owner: str, *, where: Mapping[str, str] | None = None) -> str:
        """Say how SQLite reads what :meth:`list` returns (its query plan), to check an index."""
        statement, values = _select_live(collection, owner, where or {})
        with self._lock:
            rows = self._db.execute(f"EXPLAIN QUERY PLAN {statement}", values).fetchall()
        return "\n".join(str(row[-1]) for row in rows)

    def list_all(self, collection: str) -> builtins.list[tuple[str, dict[str, Any]]]:
        """Return ``(owner, document)`` for every live document of a collection."""
        with self._lock:
            rows = self._db.execute(
                "SELECT owner, data FROM documents WHERE collection = ? AND deleted = 0 "
                "ORDER BY seq",
                (collection,),
            ).fetchall()
        return [(row[0], dict(json.loads(row[1]))) for row in rows]

    def delete(self, collection: str, owner: str, doc_id: str) -> bool:
        """Delete a document, leaving a tombstone for delta.

        Returns:
            Whether a live document was deleted.
        """
        with self._lock:
            seq = self._next_seq()
            cursor = self._db.execute(
                "UPDATE documents SET deleted = 1, seq = ? WHERE collection = ? AND owner = ? "
                "AND id = ? AND deleted = 0",
                (seq, collection, owner, doc_id),
            )
            return cursor.rowcount > 0

    def changes_since(self, collection: str, owner: str, seq: int) -> builtins.list[Change]:
        """Return each document written or deleted after ``seq``, in write order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, seq, deleted, data FROM documents WHERE collection = ? AND owner = ? "
                "AND seq > ? ORDER BY seq",
                (collection, owner, seq),
            ).fetchall()
        return [Change(row[0], row[1], bool(row[2]), dict(json.loads(row[3]))) for row in rows]

    def get_meta(self, key: str) -> str | None:
        """Return a metadata value."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a metadata value."""
        with self._lock:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def claim_key(self, scope: str, key: str, value: str) -> str:
        """Remember ``value`` under ``key`` unless one is already there.

        Returns:
            The value stored first: ``value`` itself when this call claimed the key.
        """
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO keys (scope, key, value) VALUES (?, ?, ?)",
                (scope, key, value),
            )
            row = self._db.execute(
                "SELECT value FROM keys WHERE scope = ? AND key = ?", (scope, key)
            ).fetchone()
        return str(row[0])


def _select_live(
    collection: str, owner: str, where: Mapping[str, str]
) -> tuple[str, builtins.list[str]]:
    clauses = ["collection = ?", "owner = ?", "deleted = 0"]
    values = [collection, owner]
    for field, value in where.items():
        # The JSON path is written into the statement, not bound, so that SQLite can match it
        # to the indexes on folders and conversations; the name is checked for that reason.
        if not _FIELD_NAME.fullmatch(field):
            raise ValueError(f"not a field name: {field!r}")
        clauses.append(f"json_extract(data, '$.{field}') = ?")
        values.append(value)
    return f"SELECT data FROM documents WHERE {' AND '.join(clauses)} ORDER BY seq", values  # noqa: S608 - field names checked above, values bound
