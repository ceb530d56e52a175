"""The layer arrows of ARCHITECTURE.md §1, enforced by parsing every module with `ast`.

    main.py ─► cli / ui.app
    ui       ─► services, sync, model, errors      (the only place PySide6/shiboken6 appear)
    cli      ─► services, sync, model, errors      (never ui)
    sync     ─► storage, model, errors             (never services, ui, cli)
    services ─► storage, reference, model, errors  (never sync, ui, cli)
    storage  ─► model                              (the only place sqlite3 / sqlite-utils appear)
    model    ─► stdlib only (+ errors, i18n)

`reference` (units from vietnam-provinces) sits beside storage: model, errors, i18n and its data package.
Any other top-level module of the package (e.g. a self-test) is a *face* like the cli: it may use every layer
but `ui`, and no layer below it may import it.
`errors`, `i18n` and the package root are stdlib only. Nothing imports `ui` except `ui` itself and the entry
points (main.py, `lhtl_desktop/__main__.py`). The cli and the window open the database, so they may name
`storage` (open_store, Store); they never run SQL themselves (sqlite3/sqlite_utils stay in storage).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lhtl_desktop"
QT = {"PySide6", "shiboken6"}
SQL = {"sqlite3", "sqlite_utils"}
STDLIB = set(sys.stdlib_module_names)
AREAS = {"model", "storage", "services", "sync", "ui", "cli", "reference", "errors", "i18n", "logs", "console",
         "launcher", "__main__"}
ALL = AREAS | {"face"}

# internal areas each area may NOT import
FORBIDDEN: dict[str, set[str]] = {
    "root": ALL - {"__main__"},
    "errors": ALL - {"errors", "i18n"},
    "i18n": ALL - {"i18n"},
    "logs": ALL - {"logs"},  # the shared log: stdlib logging only, usable from every layer but model
    "console": ALL - {"console"},
    "model": ALL - {"model", "errors", "i18n"},
    "reference": {"storage", "services", "sync", "ui", "cli", "face", "__main__"},
    "storage": {"services", "sync", "ui", "cli", "reference", "face", "__main__"},
    "services": {"sync", "ui", "cli", "face", "__main__"},
    "sync": {"services", "ui", "cli", "reference", "face", "__main__"},
    "cli": {"ui", "__main__"},
    "face": {"ui", "__main__"},
    "ui": {"cli", "__main__"},
    "__main__": set(),
    "launcher": set(),  # the one start-up path (main.py, -m, console and gui scripts): may start either face
    "main.py": set(),
}


def area_of(module: str) -> str:
    """'lhtl_desktop.model.targets' → 'model'; 'lhtl_desktop' or 'lhtl_desktop.APP_NAME' → 'root'."""
    if module == "main":
        return "main.py"
    parts = module.split(".")
    if parts[0] != "lhtl_desktop":
        return "external"
    if len(parts) > 1 and parts[1] in AREAS:
        return parts[1]
    if len(parts) > 1 and ((PACKAGE / f"{parts[1]}.py").exists() or (PACKAGE / parts[1]).is_dir()):
        return "face"
    return "root"


def imported_names(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, dotted name) of every import anywhere in the module, relative ones resolved."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            out.append((node.lineno, base))
            out.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                out.append((node.lineno, node.args[0].value))
    return out


def area_of_module(module: str) -> str:
    """The area of a module being checked: a top-level module outside the declared areas is a face."""
    parts = module.split(".")
    if parts[0] == "lhtl_desktop" and len(parts) > 1 and parts[1] not in AREAS:
        return "face"
    return area_of(module)


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    area = area_of_module(module)
    problems: list[str] = []
    for line, name in imported_names(module, source, is_package):
        top = name.split(".")[0]
        where = f"{module}:{line} imports {name}"
        if top in QT and area != "ui":
            problems.append(f"{where}: Qt only in lhtl_desktop/ui/")
        elif top in SQL and area != "storage":
            problems.append(f"{where}: SQL only in lhtl_desktop/storage/")
        elif top == "lhtl_desktop":
            target = area_of(name)
            if target != area and target in FORBIDDEN.get(area, set()):
                problems.append(f"{where}: {area} may not import {target}")
        elif area in ("model", "errors", "i18n", "root") and top not in STDLIB and top != "__future__":
            problems.append(f"{where}: {area} uses the standard library only")
    return problems


def all_modules() -> list[tuple[str, Path, bool]]:
    mods = [("main", ROOT / "main.py", False)]
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        mods.append((".".join(parts), path, is_package))
    return mods


def test_checker_sees_the_whole_package() -> None:
    names = {m for m, _p, _k in all_modules()}
    assert {"main", "lhtl_desktop", "lhtl_desktop.model.targets", "lhtl_desktop.storage.db",
            "lhtl_desktop.ui.app", "lhtl_desktop.cli.core", "lhtl_desktop.services.entry"} <= names


@pytest.mark.parametrize(("module", "path", "is_package"), all_modules(), ids=lambda v: str(v))
def test_module_respects_layers(module: str, path: Path, is_package: bool) -> None:
    assert violations(module, path.read_text(encoding="utf-8"), is_package) == []


# -- the checker itself must be able to fail -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("module", "source", "fragment"),
    [
        ("lhtl_desktop.model.bad", "from PySide6.QtCore import QDate", "Qt only"),
        ("lhtl_desktop.services.bad", "import shiboken6", "Qt only"),
        ("lhtl_desktop.services.bad", "def f():\n    import sqlite3\n", "SQL only"),
        ("lhtl_desktop.sync.bad", "import sqlite_utils", "SQL only"),
        ("lhtl_desktop.model.bad", "import openpyxl", "standard library only"),
        ("lhtl_desktop.model.bad", "from lhtl_desktop.storage import Store", "model may not import storage"),
        ("lhtl_desktop.model.bad", "from ..services import entry", "model may not import services"),
        ("lhtl_desktop.storage.bad", "from lhtl_desktop.services.entry import set_values", "storage may not"),
        ("lhtl_desktop.services.bad", "from lhtl_desktop.sync import keys", "services may not import sync"),
        ("lhtl_desktop.services.bad", "from lhtl_desktop import ui", "services may not import ui"),
        ("lhtl_desktop.sync.bad", "import lhtl_desktop.services.entry", "sync may not import services"),
        ("lhtl_desktop.sync.bad", "from lhtl_desktop.ui.context import AppContext", "sync may not import ui"),
        ("lhtl_desktop.cli.bad", "from lhtl_desktop.ui.app import main", "cli may not import ui"),
        ("lhtl_desktop.cli.bad", "import importlib\nimportlib.import_module('lhtl_desktop.ui.app')",
         "cli may not import ui"),
        ("lhtl_desktop.errors", "from lhtl_desktop.model import catalogue", "errors may not import model"),
        ("lhtl_desktop.services.bad", "from lhtl_desktop.cli.core import store_from", "services may not import cli"),
        ("lhtl_desktop.some_face", "import sqlite3", "SQL only"),
        ("lhtl_desktop.some_face", "from lhtl_desktop.ui import app", "face may not import ui"),
    ],
)
def test_checker_catches_bad_module(module: str, source: str, fragment: str) -> None:
    found = violations(module, source)
    assert found and any(fragment in v for v in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("lhtl_desktop.model.good", "from __future__ import annotations\nimport re\nfrom lhtl_desktop.errors import X"),
        ("lhtl_desktop.model.good", "from .catalogue import Level\nfrom lhtl_desktop.i18n import _"),
        ("lhtl_desktop.storage.good", "import sqlite3\nimport sqlite_utils\nfrom lhtl_desktop import APP_NAME"),
        ("lhtl_desktop.ui.good", "from PySide6.QtWidgets import QWidget\nfrom lhtl_desktop.services import entry"),
        ("lhtl_desktop.cli.good", "from lhtl_desktop.sync.keys import generate_key"),
        ("lhtl_desktop.some_face", "from lhtl_desktop.services.entry import set_values"),
        ("main", "from lhtl_desktop.ui.app import main"),
    ],
)
def test_checker_accepts_good_module(module: str, source: str) -> None:
    assert violations(module, source) == []


# -- pages never hold the store (ARCHITECTURE §4: writes are WriteOps on ctx.ops, reads ReadOps) ---------------
def store_touches(source: str) -> list[int]:
    """Lines where a page reaches the store itself: `….store` on the context, or the writer's store."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        on_ctx = (isinstance(owner, ast.Attribute) and owner.attr == "ctx") or (
            isinstance(owner, ast.Name) and owner.id == "ctx")
        if (node.attr == "store" and on_ctx) or node.attr in ("writer_store", "_store"):
            lines.append(node.lineno)
    return lines


PAGES = sorted((PACKAGE / "ui").glob("*_page.py")) + [PACKAGE / "ui" / "backup_dialog.py",
                                                      PACKAGE / "ui" / "main_window.py"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_never_touch_the_store(path: Path) -> None:
    assert store_touches(path.read_text(encoding="utf-8")) == []


def test_store_checker_can_fail() -> None:
    assert store_touches("x = self.ctx.store.units()") == [1]
    assert store_touches("def f(ctx):\n    return ctx.store") == [2]
    assert store_touches("s = self.ctx.ops.writer_store()") == [1]
    assert store_touches("units = self.ctx.ops.read_now(lambda store: store.units())") == []
