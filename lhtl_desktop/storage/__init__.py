"""Storage: the only place SQL and sqlite-utils appear. `open_store()` returns the one API object."""

from lhtl_desktop.storage.db import default_db_path, open_store
from lhtl_desktop.storage.store import Store

__all__ = ["Store", "default_db_path", "open_store"]
