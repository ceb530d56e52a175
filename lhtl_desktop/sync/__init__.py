"""Sync: keys, signed bundles (DSSE envelope), trust and merge (ARCHITECTURE.md §3)."""
