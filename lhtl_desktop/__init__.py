"""lhtl_desktop: record, merge and evaluate lifelong-learning services (QĐ 1520/QĐ-TTg), offline."""

from __future__ import annotations


def _version() -> str:
    """The version declared once, in pyproject.toml: from the installed metadata (wheel, editable install,
    PyInstaller with copy_metadata), else read from pyproject.toml of a source checkout."""
    from importlib import metadata

    try:
        return metadata.version("lhtl-desktop")
    except metadata.PackageNotFoundError:
        pass
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


APP_NAME = "lhtl"
_cached: dict[str, str] = {}


def __getattr__(name: str) -> str:
    # `__version__` is looked up on first use, not at every import of the package (importlib.metadata
    # scans the installed distributions, a cost the window's start does not need to pay).
    if name == "__version__":
        if name not in _cached:
            _cached[name] = _version()
        return _cached[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
