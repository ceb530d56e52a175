"""The window (PySide6 Essentials). The only package that imports Qt."""
