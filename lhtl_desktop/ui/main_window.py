"""The main window: a left navigation and one page per task (ARCHITECTURE.md §4).

Pages share one `AppContext`; a page refreshes when it is shown or when `ctx.changed` fires, so nothing
reaches into another page. `build_main_window(store)` is what `make bench` times for cold start.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
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
from lhtl_desktop.ui.dashboard_page import DashboardPage
from lhtl_desktop.ui.entry_page import EntryPage
from lhtl_desktop.ui.institutions_page import InstitutionsPage
from lhtl_desktop.ui.reports_page import ReportsPage
from lhtl_desktop.ui.settings_page import SettingsPage
from lhtl_desktop.ui.sync_page import SyncPage

PAGE_KEYS = ("dashboard", "institutions", "entry", "sync", "reports", "settings")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        me = ctx.installation
        self.setWindowTitle(self.tr("Học tập suốt đời — {unit}").format(unit=me.unit.name))
        self.setMinimumSize(QSize(1000, 600))

        style = self.style()
        icon = QStyle.StandardPixmap
        self.pages: dict[str, QWidget] = {}
        entries = [
            ("dashboard", self.tr("Tổng quan"), icon.SP_ComputerIcon, DashboardPage),
            ("institutions", self.tr("Thiết chế"), icon.SP_DirHomeIcon, InstitutionsPage),
            ("entry", self.tr("Nhập số liệu"), icon.SP_FileDialogDetailedView, EntryPage),
            ("sync", self.tr("Đồng bộ"), icon.SP_BrowserReload, SyncPage),
            ("reports", self.tr("Báo cáo"), icon.SP_FileIcon, ReportsPage),
            ("settings", self.tr("Cài đặt"), icon.SP_FileDialogContentsView, SettingsPage),
        ]
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(190)
        self.navigation.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        for key, label, std_icon, page_class in entries:
            item = QListWidgetItem(style.standardIcon(std_icon), label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.navigation.addItem(item)
            page = page_class(ctx)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)

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

        self.navigation.currentRowChanged.connect(self._switch)
        ctx.changed.connect(self._on_changed)
        self.navigation.setCurrentRow(0)

    def _show_identity(self) -> None:
        me = self.ctx.installation
        self.identity.setText(self.tr("{unit} · Cán bộ: {officer} · Dữ liệu: {path}").format(
            unit=me.unit.name, officer=me.officer, path=str(self.ctx.store.path)))

    def _switch(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        refresh = getattr(page, "refresh", None)
        if refresh is not None:
            refresh()

    def _on_changed(self, topic: str) -> None:
        # Pages other than the visible one refresh when they are shown (see _switch). After a restore the
        # store is a new object with other data: the identity and the visible page must show it at once.
        if topic in ("settings", "restore"):
            self._show_identity()
        if topic == "restore":
            self._switch(self.stack.currentIndex())

    def show_page(self, key: str) -> QWidget:
        self.navigation.setCurrentRow(PAGE_KEYS.index(key))
        return self.pages[key]


def build_main_window(store: Store) -> MainWindow:
    """The whole main window for an initialised store (not shown). Timed by `make bench` for cold start."""
    return MainWindow(AppContext(store))
