"""The main window: a left navigation and one page per task (ARCHITECTURE.md §4).

Pages (`ui.page.Page`) share one `AppContext` and never reach into each other. How a page gets its data:

- A page's constructor only builds its widgets; `refresh()` loads what it shows. The window builds a page the
  first time it is shown (its module is imported then too) and loads it then.
- Every write is a `WriteOp` on `ctx.ops`; its typed `Changes` come back here (`Ops.changed`) and are routed
  to the pages whose `depends_on` names them. The page that wrote (the op's `source`) has updated itself;
  a dependent page on screen loads again at once; a hidden one is only marked stale (nothing hidden
  recomputes while the officer types) and loads again when it is shown. A restore reloads every page.
- `refresh_in_background()` (the dashboard, the reports compute on a worker while the window stays usable)
  is what the navigation uses. `show_page()` (for code and tests) loads synchronously and returns the page
  ready.
- At start-up the window is drawn first; right after its first paint the first page fills itself in the
  background (it says «Đang tính…» meanwhile).

`build_main_window(store)` is what `main.py` shows and what `make bench` times for cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QWidget,
)

from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import plain_text_labels
from lhtl_desktop.ui.ops import Changes, Ops
from lhtl_desktop.ui.page import Page
from lhtl_desktop.ui.tasks import wait_for_background

PAGE_KEYS = ("dashboard", "institutions", "entry", "sync", "reports", "settings")
REPORTING_KEY = "reporting"  # «Tình hình báo cáo», after «Tổng quan», at hubs and the province only


def page_keys(level: str) -> tuple[str, ...]:
    """The navigation of an installation: a commune has no register of units below it."""
    if level == "commune":
        return PAGE_KEYS
    return (PAGE_KEYS[0], REPORTING_KEY, *PAGE_KEYS[1:])


# Each page's module is imported when the page is first shown: the reports page pulls in the PDF and Excel
# writers, the sync page the bundle code — neither is needed to draw the window.
def _dashboard(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.dashboard_page import DashboardPage

    return DashboardPage(ctx)


def _institutions(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.institutions_page import InstitutionsPage

    return InstitutionsPage(ctx)


def _entry(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.entry_page import EntryPage

    return EntryPage(ctx)


def _sync(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.sync_page import SyncPage

    return SyncPage(ctx)


def _reports(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.reports_page import ReportsPage

    return ReportsPage(ctx)


def _settings(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.settings_page import SettingsPage

    return SettingsPage(ctx)


def _reporting(ctx: AppContext) -> Page:
    from lhtl_desktop.ui.reporting_page import ReportingPage

    return ReportingPage(ctx)


PAGE_FACTORIES: dict[str, Callable[[AppContext], Page]] = {
    "dashboard": _dashboard, "institutions": _institutions, "entry": _entry, "sync": _sync,
    "reports": _reports, "settings": _settings, REPORTING_KEY: _reporting,
}


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        me = ctx.installation
        self.setWindowTitle(self.tr("Học tập suốt đời — {unit}").format(unit=me.unit.name))
        # No declared minimum: an explicit one overrides the layout's, and the window could then be made smaller
        # than its pages (labels drawn over boxes). The layout's own minimum grows as pages are built.

        style = self.style()
        icon = QStyle.StandardPixmap
        labels = {
            "dashboard": (self.tr("Tổng quan"), icon.SP_ComputerIcon),
            "institutions": (self.tr("Thiết chế"), icon.SP_DirHomeIcon),
            "entry": (self.tr("Nhập số liệu"), icon.SP_FileDialogDetailedView),
            "sync": (self.tr("Đồng bộ"), icon.SP_BrowserReload),
            "reports": (self.tr("Báo cáo"), icon.SP_FileIcon),
            "settings": (self.tr("Cài đặt"), icon.SP_FileDialogContentsView),
            REPORTING_KEY: (self.tr("Tình hình báo cáo"), icon.SP_FileDialogListView),
        }
        self.keys = page_keys(me.level)
        self.pages: dict[str, Page] = {}  # the pages built so far (each is built when first shown)
        self._fresh: set[str] = set()  # built pages whose data was loaded since the last change elsewhere
        self._first_load_pending = True
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(206)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setIconSize(QSize(20, 20))
        for key in self.keys:
            label, std_icon = labels[key]
            item = QListWidgetItem(style.standardIcon(std_icon), label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.navigation.addItem(item)
        self.stack = QStackedWidget()

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.identity = QLabel()
        self.statusBar().addPermanentWidget(self.identity)
        self._show_identity()
        from lhtl_desktop.ui.help_menu import install_help_menu

        install_help_menu(self, ctx.db_path, self.statusBar())

        self.navigation.setCurrentRow(0)
        self.stack.setCurrentWidget(self.page(self.keys[0]))  # built now, filled once the window is drawn
        self.navigation.currentRowChanged.connect(self._navigate)
        self.navigation.setAccessibleName(self.tr("Các trang của chương trình"))
        ctx.ops.changed.connect(self.route_changes)
        self._install_shortcuts()
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    # -- pages ------------------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The page for `key`, built (not loaded) on first use."""
        page = self.pages.get(key)
        if page is None:
            page = PAGE_FACTORIES[key](self.ctx)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
        return page

    def current_key(self) -> str:
        return self.keys[max(self.navigation.currentRow(), 0)]

    def show_page(self, key: str) -> Page:
        """Show the page of `key` with its data loaded now (for code and tests; the officer uses the
        navigation, which loads slow pages in the background)."""
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow(self.keys.index(key))
        self.navigation.blockSignals(False)
        self._show(key, background=False)
        return self.pages[key]

    def _navigate(self, row: int) -> None:
        if 0 <= row < len(self.keys):
            self._show(self.keys[row], background=True)

    def _show(self, key: str, background: bool) -> None:
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if key not in self._fresh or (not background and page.loading):
            self._load(key, background)

    def _load(self, key: str, background: bool) -> None:
        page = self.pages[key]
        self._fresh.add(key)
        if background:
            page.refresh_in_background()
        else:
            page.refresh()

    def route_changes(self, changes: Changes, source: QObject | None = None) -> None:
        """After a write: the pages that depend on `changes` load again (on screen) or become stale (hidden);
        the page that wrote (`source`) has updated itself. A restore replaced everything: every page."""
        if changes & (Changes.SETTINGS | Changes.RESTORE):
            self._show_identity()
        current = self.current_key()
        for key, page in self.pages.items():
            if page is source and not changes & Changes.RESTORE:
                continue
            if changes & (page.depends_on | Changes.RESTORE):
                self._fresh.discard(key)
                if key == current:
                    self._show(key, background=True)

    # -- keyboard ---------------------------------------------------------------------------------------
    def _install_shortcuts(self) -> None:
        """Ctrl+1…6 (…7 at a hub or the province, in the navigation's order) open a page with the focus where
        the officer types first; F5 loads the page again; Ctrl+F goes to the page's list filter. (Ctrl+P is
        the reports page's own.)"""
        for index, key in enumerate(self.keys, start=1):
            QShortcut(QKeySequence(f"Ctrl+{index}"), self, lambda key=key: self.open_page(key))
        QShortcut(QKeySequence("F5"), self, self.reload_page)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, lambda: self.pages[self.current_key()].find_in_list())
        for i in range(self.navigation.count()):
            item = self.navigation.item(i)
            item.setToolTip(f"Ctrl+{i + 1}")

    def open_page(self, key: str) -> Page:
        """The page of `key`, shown (loaded in the background if stale), the focus on its first field."""
        self.navigation.setCurrentRow(self.keys.index(key))  # a hub's navigation has the register second
        page = self.pages[key]
        field = page.first_field()
        if field is not None:
            field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return page

    def preview_received(self, files: list[Path]) -> None:
        """Received files (a double-click, a second start with FILE.lhtl): the sync page, their preview."""
        from lhtl_desktop.ui.sync_page import SyncPage

        page = self.open_page("sync")
        if isinstance(page, SyncPage):
            page.preview_files(files)

    def reload_page(self) -> None:
        """F5: the page on screen loads its data again."""
        key = self.current_key()
        self._fresh.discard(key)
        self._show(key, background=True)

    # -- window -----------------------------------------------------------------------------------------
    def _show_identity(self) -> None:
        me = self.ctx.installation
        self.identity.setText(self.tr("{unit} · Cán bộ: {officer} · Dữ liệu: {path}").format(
            unit=me.unit.name, officer=me.officer, path=str(self.ctx.db_path)))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        super().paintEvent(event)
        if self._first_load_pending:
            # The window is on the screen: the first page now fills itself, on a worker, so that its
            # computation neither delays the first drawing nor holds the window afterwards.
            self._first_load_pending = False
            QTimer.singleShot(0, self._load_first_page)

    def _load_first_page(self) -> None:
        key = self.current_key()
        if key not in self._fresh:
            self._load(key, background=True)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt's name
        wait_for_background()  # a page computing in the background finishes (and closes its reader) first
        super().closeEvent(event)


def build_main_window(store: Store, *, check: bool = False, ops: Ops | None = None) -> MainWindow:
    """The whole main window for an initialised store (not shown). Timed by `make bench` for cold start.
    `check`: the file's quick_check is still to run (the writer's first job, see `ui.ops`). `ops`: the
    runner that already writes to `store` (the first-run wizard's), which the window takes over."""
    return MainWindow(AppContext(store, check=check, ops=ops))
