"""The domain model: plain data and pure functions, standard library only (no Qt, no SQL)."""
