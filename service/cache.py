"""Persistent results cache: repeated requests are answered from sqlite (WAL) without the model.

Keyed by a hash of the request, the model identity and the prompt versions, so a change of any
of them misses; bounded by entry count (oldest-used evicted); survives restarts.

Each stored result is also indexed by its response `id` (the permalink `GET /v1/results/{id}`),
with the article text when the caller supplies it: a `text` request's response does not carry
the text its offsets index, so a permalink could not be drawn without it.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path


class ResultsCache:
    def __init__(self, path: Path, max_entries: int = 2000):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, body TEXT NOT NULL, used REAL NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS result_ids (id TEXT PRIMARY KEY, key TEXT NOT NULL, text TEXT)")

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM results WHERE key = ?", (key,)).fetchone()
            if row:
                self._db.execute("UPDATE results SET used = ? WHERE key = ?", (time.time(), key))
            return row[0] if row else None

    def put(self, key: str, body: str, document_text: str | None = None) -> None:
        """Store a response (JSON text); `document_text` is the text its offsets index, if known."""
        try:
            result_id = json.loads(body).get("id")
        except (ValueError, AttributeError):
            result_id = None
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (key, body, time.time()))
            if isinstance(result_id, str):
                if document_text is None:  # keep a text stored earlier for the same result
                    row = self._db.execute("SELECT text FROM result_ids WHERE id = ?", (result_id,)).fetchone()
                    document_text = row[0] if row else None
                self._db.execute("INSERT OR REPLACE INTO result_ids VALUES (?, ?, ?)", (result_id, key, document_text))
            (n,) = self._db.execute("SELECT COUNT(*) FROM results").fetchone()
            if n > self.max_entries:
                self._db.execute(
                    "DELETE FROM results WHERE key IN (SELECT key FROM results ORDER BY used LIMIT ?)",
                    (n - self.max_entries,),
                )
                self._db.execute("DELETE FROM result_ids WHERE key NOT IN (SELECT key FROM results)")

    def by_id(self, result_id: str) -> tuple[str, str | None] | None:
        """(response JSON, document text or None) of a stored result, by its response id."""
        with self._lock:
            row = self._db.execute(
                "SELECT r.body, i.text FROM result_ids i JOIN results r ON r.key = i.key WHERE i.id = ?", (result_id,)
            ).fetchone()
            return (row[0], row[1]) if row else None

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
