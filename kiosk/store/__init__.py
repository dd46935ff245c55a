"""The SQLite store: schema, migrations and every read and write; no Textual here."""

from kiosk.store.db import StoreError, connect, immediate, open_store

__all__ = ["StoreError", "connect", "immediate", "open_store"]
