"""The window part of `--selftest`: open the real main window offscreen and check what an officer would see.

Called by `lhtl_desktop.selftest.run_selftest` through `main.py` (the core stays Qt-free). It reuses the
commune database the database check set up, builds the same main window `lhtl` opens, shows it on Qt's
offscreen platform, waits for it to be painted, grabs it, and checks the Vietnamese title, the navigation,
and that Be Vietnam Pro was loaded (a build without the font files would print boxes instead of letters).
"""

from __future__ import annotations

import os
from typing import Any

from lhtl_desktop.i18n import _
from lhtl_desktop.selftest import MissingPart, SelftestFailure, Workspace, optional_module, require

FONT_FAMILY = "Be Vietnam Pro"


def qt_versions() -> dict[str, str]:
    """Qt and PySide6 versions for `--version` (imports only QtCore)."""
    import PySide6
    from PySide6.QtCore import qVersion

    return {"Qt": qVersion(), "PySide6": PySide6.__version__}


def _application() -> Any:
    """The program's own QApplication set-up (look, fonts, translations), on the offscreen platform."""
    # Offscreen whatever the caller's environment: the self-test must run on a server, over SSH or in CI.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app_module = optional_module("lhtl_desktop.ui.app", _("cửa sổ chương trình"))
    create = getattr(app_module, "create_application", None)
    if create is None:
        raise MissingPart(_("Thiếu hàm khởi tạo ứng dụng (lhtl_desktop.ui.app.create_application)."))
    return create(["lhtl", "-platform", "offscreen"])


def _build_main_window(store: Any) -> Any:
    app_module = optional_module("lhtl_desktop.ui.app", _("cửa sổ chương trình"))
    build = getattr(app_module, "build_main_window", None)
    if build is None:
        raise MissingPart(_("Thiếu hàm dựng cửa sổ chính (lhtl_desktop.ui.app.build_main_window)."))
    return build(store)


def check_main_window(ws: Workspace) -> str:
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication, QWidget

    store = ws.shared.get("commune_store")
    require(store is not None, _("Cần cơ sở dữ liệu của bước kiểm tra trước."))
    app = _application()
    require(QApplication.platformName() == "offscreen",
            _("Không nạp được nền tảng hiển thị offscreen của Qt (thư mục plugins/platforms)."))

    window = _build_main_window(store)
    require(isinstance(window, QWidget), _("Hàm dựng cửa sổ chính không trả về một cửa sổ."))

    class PaintSpy(QObject):
        painted = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
            if obj is window and event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    spy = PaintSpy()
    window.installEventFilter(spy)
    window.resize(1366, 768)
    window.show()
    timer = QElapsedTimer()
    timer.start()
    while not spy.painted and timer.elapsed() < 10_000:
        app.processEvents()
    window.removeEventFilter(spy)
    require(spy.painted, _("Cửa sổ chính không được vẽ trong 10 giây."))

    image = window.grab().toImage()
    require(not image.isNull() and image.width() > 0, _("Không chụp được hình cửa sổ chính."))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 13)}
    require(len(colours) > 2, _("Cửa sổ chính vẽ ra một màu trơn: không có nội dung."))

    title = window.windowTitle()
    # The title in the program's language: Vietnamese by default, the catalogue's English with LHTL_LANG=en.
    expected_title = _("Học tập suốt đời — {unit}").split("{unit}")[0].strip(" —")
    require(expected_title in title, _("Tiêu đề cửa sổ không đúng ngôn ngữ của chương trình: «{t}».").format(t=title))
    families = QFontDatabase.families()
    require(FONT_FAMILY in families, _("Phông chữ {f} chưa được nạp khi khởi động.").format(f=FONT_FAMILY))

    texts = _visible_texts(window)
    for label in (_("Tổng quan"), _("Nhập số liệu"), _("Đồng bộ"), _("Báo cáo")):
        require(any(label in t for t in texts), _("Không thấy mục «{l}» trên cửa sổ chính.").format(l=label))

    window.close()
    window.deleteLater()
    app.processEvents()
    return _("cửa sổ {w}×{h} đã vẽ trong {ms} ms, phông {f}, {n} mục điều hướng").format(
        w=image.width(), h=image.height(), ms=timer.elapsed(), f=FONT_FAMILY, n=4)


def _visible_texts(root: Any) -> list[str]:
    """Texts of labels, buttons, tabs and item views under `root` (what a person can read)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QTabBar

    texts: list[str] = [root.windowTitle()]
    texts.extend(w.text() for w in root.findChildren(QLabel))
    texts.extend(b.text() for b in root.findChildren(QAbstractButton))
    for bar in root.findChildren(QTabBar):
        texts.extend(bar.tabText(i) for i in range(bar.count()))
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        for row in range(min(model.rowCount(), 50)):
            value = model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole)
            if value is not None:
                texts.append(str(value))
    return texts


__all__ = ["check_main_window", "qt_versions", "SelftestFailure"]
