"""Look and feel: the locale, the Be Vietnam Pro font, labels for Qt's own texts, style.

Qt ships no Vietnamese catalogue, so `QtVietnameseTranslator` answers Qt's own contexts (standard buttons,
wizard buttons, the line-edit context menu) from a small table. Our own strings are Vietnamese in the source
and go through `tr()`; with `LHTL_LANG=en`, `CatalogueTranslator` answers them from the program's one gettext
catalogue (see `lhtl_desktop/i18n.py`) and Qt's own texts stay Qt's English.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from lhtl_desktop import i18n

# Package data, beside the package's modules (also in the packaged program); not through importlib.resources,
# whose import (~2 ms) the window's cold start would pay for this one path.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
VI_LOCALE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
EN_LOCALE = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)  # dd/MM/yyyy like the Vietnamese
UI_LOCALE = EN_LOCALE if i18n.is_english() else VI_LOCALE  # numbers, dates and sizes in the window
FONT_FAMILY = "Be Vietnam Pro"
FONT_FILES = ("Regular", "Italic", "Medium", "SemiBold", "Bold")
BASE_POINT_SIZE = 10

# Qt's own user-visible strings, by translation context.
_QT_TEXTS: dict[str, dict[str, str]] = {
    "QPlatformTheme": {
        "OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có",
        "Yes to &All": "Có với tất cả", "&No": "&Không", "N&o to All": "Không với tất cả",
        "Abort": "Hủy bỏ", "Retry": "Thử lại", "Ignore": "Bỏ qua", "Close": "Đóng", "Cancel": "Hủy",
        "Discard": "Bỏ", "Help": "Trợ giúp", "Apply": "Áp dụng", "Reset": "Đặt lại",
        "Restore Defaults": "Khôi phục mặc định", "Don't Save": "Không lưu", "Close without Saving": "Đóng, không lưu",
    },
    "QWizard": {
        "< &Back": "< &Quay lại", "&Next >": "&Tiếp theo >", "&Finish": "&Hoàn tất", "Cancel": "Hủy",
        "Commit": "Xác nhận", "&Help": "&Trợ giúp", "Go Back": "Quay lại", "Continue": "Tiếp tục", "Done": "Xong",
    },
    "QMessageBox": {"Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…", "OK": "Đồng ý"},
    "QLineEdit": {
        "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "&Chép", "&Paste": "&Dán",
        "Delete": "Xóa", "Select All": "Chọn tất cả",
    },
    "QWidgetTextControl": {
        "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "&Chép", "&Paste": "&Dán",
        "Delete": "Xóa", "Select All": "Chọn tất cả", "Copy &Link Location": "Chép địa chỉ liên kết",
    },
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
    "QProgressDialog": {"Cancel": "Hủy"},
    "QDialogButtonBox": {"OK": "Đồng ý", "Cancel": "Hủy", "Close": "Đóng"},
    "QPrintDialog": {"Print": "In", "&Print": "&In", "Cancel": "Hủy"},
}


class QtVietnameseTranslator(QTranslator):
    """Vietnamese for the handful of Qt's own texts a user meets in this program."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # type: ignore[override]
                  n: int = -1) -> str | None:
        return _QT_TEXTS.get(context, {}).get(source)

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


class CatalogueTranslator(QTranslator):
    """Our own `tr()` strings, whatever their Qt context, from the gettext catalogue of `i18n`."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # type: ignore[override]
                  n: int = -1) -> str | None:
        return i18n.translation_of(source)

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


def load_fonts() -> str:
    """Register Be Vietnam Pro from its package; returns the family used (a system fallback if missing)."""
    try:
        import fontpkg_be_vietnam_pro as pkg
    except ImportError:  # pragma: no cover - the dependency is pinned
        return QApplication.font().family()
    folder = Path(pkg.ROOT) / "files"
    families: set[str] = set()
    for style in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(folder / f"BeVietnamPro-{style}.ttf"))
        if font_id >= 0:
            families.update(QFontDatabase.applicationFontFamilies(font_id))
    return FONT_FAMILY if FONT_FAMILY in families else QApplication.font().family()


def install_translations(app: QCoreApplication) -> list[QTranslator]:
    """Vietnamese (source language) by default, with Qt's own buttons in Vietnamese; `LHTL_LANG=en`: our
    strings from the English catalogue and Qt's own texts in Qt's English (no translator for them)."""
    translator: QTranslator = CatalogueTranslator(app) if i18n.is_english() else QtVietnameseTranslator(app)
    app.installTranslator(translator)
    return [translator]


STYLE_SHEET = """
QListWidget#navigation { background: #1f3b57; color: #e8eef4; border: none; font-size: 11pt; outline: 0; }
QListWidget#navigation::item { padding: 10px 14px; border-left: 4px solid transparent; }
QListWidget#navigation::item:selected { background: #2c5378; color: white; border-left: 4px solid #f2b134; }
QListWidget#navigation::item:hover:!selected { background: #284a6b; }
QLabel#pageTitle { font-size: 15pt; font-weight: 600; color: #1f3b57; }
QLabel#hint { color: #5a6570; }
QLabel#fieldHelp { color: #5a6570; font-size: 9pt; }
QLabel#previous { color: #5a6570; }
QLabel#fieldError { color: #b00020; font-size: 9pt; }
QLabel#fieldWarning { color: #8a5a00; font-size: 9pt; }
QLabel#saveStatus { color: #1b6e32; font-weight: 600; }
QLabel#fingerprint { font-size: 24pt; font-weight: 700; letter-spacing: 2px; color: #1f3b57; }
QLineEdit[invalid="true"] { border: 2px solid #b00020; background: #fff0f0; }
QLineEdit[warning="true"] { border: 2px solid #d99a00; background: #fff8e6; }
QGroupBox { font-weight: 600; }
"""


def apply_look(app: QApplication) -> str:
    """Locale, font and style for the whole application; returns the font family in use."""
    QLocale.setDefault(UI_LOCALE)
    family = load_fonts()
    font = QFont(family, BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    return family


def fmt_int(value: float | int | None) -> str:
    """1234567 → '1.234.567' through QLocale vi_VN ('1,234,567' in English); None → '—'."""
    if value is None:
        return "—"
    return UI_LOCALE.toString(int(round(value)))


def fmt_percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return UI_LOCALE.toString(float(value), "f", digits) + " %"


def fmt_when(iso: str) -> str:
    """A stored UTC ISO time ('2025-12-31T07:05:00.000Z') → local 'dd/MM/yyyy HH:mm'; unreadable text as is."""
    text = iso.replace("Z", "")
    dt = QDateTime.fromString(text, Qt.DateFormat.ISODateWithMs)
    if not dt.isValid():
        dt = QDateTime.fromString(text, Qt.DateFormat.ISODate)
    if not dt.isValid():
        return iso
    dt.setTimeZone(dt.timeZone().utc())
    return UI_LOCALE.toString(dt.toLocalTime(), "dd/MM/yyyy HH:mm")
