"""The «Báo cáo» page: choose a scope and a year, see the targets, preview and print the sheet, save PDF/Excel.

Printing draws the very layout the PDF writer uses (services.reports.layout: text at baselines and lines, in
mm) with QPainter on the QPrinter, with the same font files registered in Qt. So the preview, the paper from
a real printer and the saved PDF are the same sheet, in vector form; no PDF renderer is needed in the window
(the PySide6 Essentials wheel has no QtPdf) and nothing is rasterised.

The report writers (fpdf2, fontTools, openpyxl) are imported when a sheet is first built, not when the window
starts; the page builds its summary only when it is shown, on a worker with its own read connection.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR
from lhtl_desktop.services.installation import subtree
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import plain_text_labels, show_error
from lhtl_desktop.ui.ops import Changes, Latest, ReadOp
from lhtl_desktop.ui.page import Page, with_filter

if TYPE_CHECKING:
    from lhtl_desktop.services.reports.fonts import FontSet
    from lhtl_desktop.services.reports.layout import Document
    from lhtl_desktop.services.reports.sheet import Report

_registered: dict[str, str] = {}


def qt_families(fonts: FontSet) -> tuple[str, str]:
    """Register the sheet's font files with Qt once; (text family, marks family)."""
    def family_of(path: Path) -> str:
        key = str(path)
        if key not in _registered:
            font_id = QFontDatabase.addApplicationFont(key)
            names = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            _registered[key] = names[0] if names else "Times New Roman"
        return _registered[key]

    main = family_of(fonts.faces[""].path)
    for face in fonts.faces.values():
        family_of(face.path)  # bold and italic files join the same family
    return main, family_of(fonts.marks.path)


def _qfont(family: str, style: str, size: float) -> QFont:
    font = QFont(family)
    font.setPointSizeF(size)
    font.setBold("B" in style)
    font.setItalic("I" in style)
    font.setKerning(False)  # the layout measured without kerning
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)  # the layout already chose the font per character
    return font


def prepare_printer(printer: QPrinter, doc: Document) -> None:
    landscape = bool(doc.pages) and doc.pages[0].landscape
    layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                         QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
                         QMarginsF(0, 0, 0, 0))
    printer.setFullPage(True)
    printer.setPageLayout(layout)
    printer.setDocName(doc.title)


def verification_code_maker(store: Store):  # type: ignore[no-untyped-def]
    """The sheet's signed verification QR code (sync.sheet_codes), when the key opens without a passphrase.
    The window prints no data codes yet: they number a bundle, a write, which `lhtl report` makes."""
    from lhtl_desktop.services import account, reports
    from lhtl_desktop.sync import sheet_codes
    from lhtl_desktop.sync.keys import is_protected

    if is_protected(account.own_key(store).sealed):
        return None

    def make(report: Report, _file_name: str) -> list[tuple[str, bytes]]:
        return [(QCoreApplication.translate("ReportsPage", "Mã kiểm tra"),
                 sheet_codes.verification_frame(store, reports.sheet_code_payload(report)))]

    return make


def paint_document(doc: Document, printer: QPrinter) -> None:
    """Draw every page of the sheet on the printer (or the preview), at the printer's resolution."""
    from lhtl_desktop.services.reports.layout import LineOp, RectOp, TextOp

    main, marks = qt_families(doc.fonts)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("printer")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        scale = printer.resolution() / 25.4  # device pixels per mm
        # Points are converted at the device's logical DPI; keep the layout's mm exact if they differ.
        pt_fix = printer.resolution() / max(printer.logicalDpiY(), 1)
        fonts: dict[tuple[bool, str, float], QFont] = {}
        for index, page in enumerate(doc.pages):
            if index:
                printer.newPage()
            for op in page.ops:
                if isinstance(op, TextOp):
                    key = (op.marks, op.style, op.size)
                    if key not in fonts:
                        fonts[key] = _qfont(marks if op.marks else main, op.style, op.size * pt_fix)
                    painter.setFont(fonts[key])
                    painter.drawText(QPointF(op.x * scale, op.y * scale), op.text)
                elif isinstance(op, LineOp):
                    pen = QPen(Qt.GlobalColor.black)
                    pen.setWidthF(op.width * scale)
                    painter.setPen(pen)
                    painter.drawLine(QPointF(op.x1 * scale, op.y1 * scale), QPointF(op.x2 * scale, op.y2 * scale))
                elif isinstance(op, RectOp):  # QR modules: exact, no antialiased seams between them
                    painter.fillRect(QRectF(op.x * scale, op.y * scale, op.w * scale, op.h * scale),
                                     Qt.GlobalColor.black)
    finally:
        painter.end()


class ReportsPage(Page):
    depends_on = Changes.VALUES | Changes.INSTITUTIONS | Changes.SETTINGS | Changes.CONFIG | Changes.SUBMISSIONS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: Report | None = None
        self.document: Document | None = None
        self.last_saved: Path | None = None

        self.scope = QComboBox()
        self.scope.setMinimumWidth(280)
        self.scope.setAccessibleName(self.tr("Phạm vi báo cáo"))
        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        self.year.setValue(_dt.date.today().year - 1)
        self.year.setAccessibleName(self.tr("Năm báo cáo"))
        self.half = QComboBox()  # the yearly sheet, or the 6-month one (judgements provisional)
        self.half.addItem(self.tr("Cả năm"), "")
        self.half.addItem(self.tr("6 tháng đầu năm"), "-H1")
        self.half.setAccessibleName(self.tr("Kỳ báo cáo"))
        scope_label = QLabel(self.tr("&Phạm vi:"))
        scope_label.setBuddy(self.scope)
        year_label = QLabel(self.tr("&Năm:"))
        year_label.setBuddy(self.year)

        self.preview_button = QPushButton(self.tr("&Xem trước khi in…"))
        self.print_button = QPushButton(self.tr("&In…"))
        self.pdf_button = QPushButton(self.tr("Lưu &PDF…"))
        self.xlsx_button = QPushButton(self.tr("Lưu &Excel…"))
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_sheet)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_sheet)  # Ctrl+P
        self.print_button.setToolTip("Ctrl+P")
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.save("xlsx"))

        top = QHBoxLayout()
        title = QLabel(self.tr("Báo cáo"))
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(24)
        top.addWidget(scope_label)
        top.addWidget(self.scope, 1)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(self.half)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.print_button, self.pdf_button, self.xlsx_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 7)
        self.table.setAccessibleName(self.tr("Số liệu biểu tổng hợp"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Chỉ tiêu"), self.tr("Tử số"), self.tr("Mẫu số"), self.tr("Kết quả"), self.tr("Ngưỡng (năm mốc)"),
            self.tr("Đánh giá"), self.tr("Thiếu số liệu")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 7):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        table, self.filter = with_filter(self.table)
        layout.addWidget(table, 1)
        layout.addWidget(self.status)

        self.reads = Latest(self)  # the newest summary build wins; an older one arriving late is dropped
        self.scope.currentIndexChanged.connect(self.update_summary)
        self.year.valueChanged.connect(self.update_summary)
        self.half.currentIndexChanged.connect(self.update_summary)
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    def first_field(self) -> QWidget | None:
        return self.year

    # -- data ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Fill the scope list (my unit and every unit below it) and recompute the summary now."""
        if self._fill_scopes():
            self.update_summary()

    def refresh_in_background(self) -> None:
        """Fill the scope list, then build the summary on a worker with a read connection of its own; the
        page says so meanwhile and the window stays usable. A newer build supersedes it."""
        if not self._fill_scopes():
            return
        year, scope = self.selected()
        self.report = None
        self.table.setRowCount(0)
        self.summary.setText(self.tr("Đang lập số liệu báo cáo năm {year}…").format(year=year))

        def build(reader: Store) -> Report:
            from lhtl_desktop.services import reports

            return reports.build_report(reader, year, scope)

        self.ctx.ops.read(ReadOp(build, self._show_report, self._show_refusal, latest=self.reads))

    @property
    def loading(self) -> bool:
        """A background build of the summary is running."""
        return self.reads.loading

    def _fill_scopes(self) -> bool:
        try:
            me = self.ctx.installation
        except LhtlError:
            return False
        current = self.scope.currentData()
        units, codes = self.ctx.ops.read_now(lambda store: (store.units(), subtree(store, me.unit.code)))
        self.scope.blockSignals(True)
        self.scope.clear()
        for code in codes:
            unit = units[code]
            self.scope.addItem(f"{unit.name} ({unit.code})", code)
        index = self.scope.findData(current) if current else 0
        self.scope.setCurrentIndex(max(index, 0))
        self.scope.blockSignals(False)
        return True

    def selected(self) -> tuple[str, str | None]:
        """(period — «2025» or «2025-H1» —, scope)."""
        return f"{self.year.value()}{self.half.currentData() or ''}", self.scope.currentData()

    def build(self) -> Report:
        from lhtl_desktop.services import reports

        year, scope = self.selected()
        return self.ctx.ops.read_now(lambda store: reports.build_report(store, year, scope))

    def update_summary(self) -> None:
        """Build the summary of the chosen scope and year now (the officer chose them) and show it."""
        self.reads.supersede()
        try:
            report = self.build()
        except LhtlError as exc:
            self._show_refusal(exc)
            return
        self._show_report(report)

    def _show_refusal(self, exc: LhtlError) -> None:
        self.report = None
        self.summary.setText(exc.message)
        self.table.setRowCount(0)

    def _show_report(self, report: Report) -> None:
        from lhtl_desktop.services.reports.sheet import format_count, format_threshold, format_value

        self.report = report
        self.summary.setText(self.tr("{scope} — {period}. Mã kiểm tra số liệu: {code}. "
                                     "Dấu vân tay khóa: {fp}.").format(
            scope=report.scope.name, period=report.period_label, code=report.code, fp=report.fingerprint)
            + (" " + report.coverage_line + "." if report.coverage_line else ""))
        self.table.setRowCount(len(report.targets))
        for row, t in enumerate(report.targets):
            cells = [t.label + (" ⚠" if t.provisional else ""), format_count(t.numerator),
                     format_count(t.denominator), format_value(t), format_threshold(t), t.status_label,
                     str(len(t.missing))]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (1, 2, 3, 4, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.filter.apply()  # filled cell by cell: filtered once full

    # -- actions ---------------------------------------------------------------------------------------
    def _failed(self, exc: LhtlError) -> None:
        show_error(self, exc)

    def _with_document(self, then: Callable[[Document], object]) -> None:
        year, scope = self.selected()

        def work(reader: Store) -> tuple[Report, Document]:
            from lhtl_desktop.services import reports

            report = reports.build_report(reader, year, scope)
            maker = verification_code_maker(reader)
            if maker is not None:
                report = reports.with_codes(report, maker(report, ""))
            return report, reports.layout_report(report)

        def done(result: tuple[Report, Document]) -> None:
            self.report, self.document = result
            then(result[1])

        self.ctx.ops.read(ReadOp(work, done, self._failed, progress=self.tr("Đang lập biểu…")))

    def preview(self) -> None:
        self._with_document(self.open_preview)

    def open_preview(self, doc: Document) -> QPrintPreviewDialog:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, doc)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(self.tr("Xem trước khi in — {title}").format(title=doc.subject))
        dialog.paintRequested.connect(lambda p: paint_document(doc, p))
        dialog.resize(1200, 720)
        # The dialog does not own the printer: keep both alive as long as the page (a freed printer crashes).
        self.preview_dialog, self.preview_printer = dialog, printer
        dialog.open()
        return dialog

    def print_sheet(self) -> None:
        self._with_document(self.print_document)

    def print_document(self, doc: Document, printer: QPrinter | None = None) -> None:
        """Ask for a printer (unless one is given, e.g. a PDF printer) and print the sheet on it."""
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            prepare_printer(printer, doc)
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(self.tr("In biểu tổng hợp"))
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return
        prepare_printer(printer, doc)
        paint_document(doc, printer)

    def ask_save_path(self, kind: str) -> str | None:
        """The file to write (replaced in tests). None when the officer cancels."""
        year, scope = self.selected()
        default = str(Path.home() / f"bao-cao-{scope}-{year}.{kind}")
        filters = self.tr("Biểu in PDF (*.pdf)") if kind == "pdf" else self.tr("Sổ Excel (*.xlsx)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Lưu báo cáo"), default, filters)
        if path and not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        return path or None

    def save(self, kind: str) -> None:
        from lhtl_desktop.services import reports

        path = self.ask_save_path(kind)
        if not path:
            return
        try:
            reports.check_output(path)
        except LhtlError as exc:
            show_error(self, exc)
            return
        year, scope = self.selected()

        def work(reader: Store) -> Report:
            return reports.write_report(reader, year, scope, path, codes=verification_code_maker(reader))

        def done(report: Report) -> None:
            self.report = report
            self.last_saved = Path(path)
            self.status.setText(self.tr("Đã lưu {file} — mã kiểm tra số liệu {code}.").format(
                file=path, code=report.code))

        self.ctx.ops.read(ReadOp(work, done, self._failed, progress=self.tr("Đang ghi tệp…")))
