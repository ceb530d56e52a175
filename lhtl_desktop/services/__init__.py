"""Use cases shared by the window and the CLI: same validation, same messages (ARCHITECTURE.md §1)."""
