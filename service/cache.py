"""Persistent results cache: repeated requests are answered from sqlite (WAL) without the model.

Keyed by a hash of the request, the model identity and the prompt versions, so a change of any
of them misses; bounded by entry count (oldest-used evicted); survives restarts.
"""
from __future__ import annotations

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

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM results WHERE key = ?", (key,)).fetchone()
            if row:
                self._db.execute("UPDATE results SET used = ? WHERE key = ?", (time.time(), key))
            return row[0] if row else None

    def put(self, key: str, body: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (key, body, time.time()))
            (n,) = self._db.execute("SELECT COUNT(*) FROM results").fetchone()
            if n > self.max_entries:
                self._db.execute(
                    "DELETE FROM results WHERE key IN (SELECT key FROM results ORDER BY used LIMIT ?)",
                    (n - self.max_entries,),
                )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
