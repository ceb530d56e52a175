"""The Excel return forms on the «Đồng bộ» page: `.xlsx` files chosen or dropped next to `.lhtl` bundles.

The section shows the option «Dùng giá trị đã tính» (formula cells: refused unless accepted) and, when a form
is refused for its cells, the list of cells to fix (sheet, cell, message) — the same list `lhtl form import`
prints. Forms are read, previewed and imported by `services.forms.importer` as one `WriteOp` (backup and one
transaction inside); the page shows their results in its results and detail tables beside the bundles'.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.services.forms.importer import ACCEPTED, STATUS_LABELS, FormResult, import_forms
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.ops import Changes, ReadOp, WriteOp
from lhtl_desktop.ui.page import titled_list

FORM_SUFFIXES = (".xlsx", ".xlsm")


def is_form_file(path: Path) -> bool:
    return path.suffix.lower() in FORM_SUFFIXES


class FormImportSection(QWidget):
    """The option and the cell-error list of the «Nhận gói» tab."""

    def __init__(self, ctx: AppContext, table: Callable[[TextTableModel, str], QTableView],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_results: list[FormResult] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.use_cached = QCheckBox(self.tr("Biểu Excel: dùng giá trị đã tính của ô có công thức"))
        self.use_cached.setToolTip(self.tr(
            "Mặc định ô có công thức bị từ chối. Đánh dấu để dùng giá trị Excel đã tính và lưu trong tệp."))
        # The option sits beside the page's buttons (the page places it); the list of cells below its tables.
        self.errors_label = QLabel(self.tr("Các ô cần sửa trong biểu Excel (biểu bị từ chối, chưa ghi gì):"))
        self.errors_model = TextTableModel([self.tr("Tệp"), self.tr("Trang tính"), self.tr("Ô"), self.tr("Cần sửa")])
        self.errors_view = table(self.errors_model, self.tr("Ô cần sửa trong biểu Excel"))
        self.errors_box, self.errors_filter = titled_list(self.errors_label, self.errors_view)
        layout.addWidget(self.errors_box, 1)
        self._show_errors([])

    def run(self, files: list[Path], *, dry_run: bool, on_done: Callable[[list[FormResult]], None],
            on_error: Callable[[LhtlError], None]) -> None:
        use_cached = self.use_cached.isChecked()

        def changes(results: list[FormResult]) -> Changes:
            wrote = not dry_run and any(r.status == ACCEPTED for r in results)
            return Changes.VALUES | Changes.INSTITUTIONS if wrote else Changes.NONE

        def done(results: list[FormResult]) -> None:
            self.last_results = results
            self._show_errors(results)
            on_done(results)

        self.ctx.ops.write(WriteOp(
            lambda store: import_forms(store, files, dry_run=dry_run, use_cached=use_cached),
            changes, on_done=done, on_error=on_error, source=self.parent(),
            progress=self.tr("Đang đọc biểu Excel…") if dry_run else self.tr("Đang sao lưu và nhập biểu Excel…")))

    def result_rows(self, results: list[FormResult], num: Callable[[int], str],
                    will_import: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
        """Rows for the page's results table and detail table (same columns as the bundles')."""
        rows: list[tuple[str, ...]] = []
        details: list[tuple[str, ...]] = []
        for r in results:
            status = STATUS_LABELS[r.status]
            if r.dry_run and r.status == ACCEPTED:
                status = will_import
            note = r.reason
            if r.status == ACCEPTED:
                note = self.tr("biểu Excel, chưa ký; {n} thiết chế mới").format(n=r.institutions_new)
            rows.append((Path(r.file).name, status, num(r.new), num(r.changed), num(r.unchanged), "—",
                         num(r.conflicts), note))
            for p in r.preview:
                name = p.institution_name + (" " + self.tr("(thiết chế mới)") if p.is_new else "")
                details.append((Path(r.file).name, r.unit, name, num(p.new), num(p.changed), num(p.unchanged), "—",
                                num(p.conflicts)))
        return rows, details

    def _show_errors(self, results: list[FormResult]) -> None:
        rows = [(Path(r.file).name, e.sheet, e.cell, e.message) for r in results for e in r.errors]
        self.errors_model.set_rows(rows)
        self.errors_box.setVisible(bool(rows))


class FormExportBox(QGroupBox):
    """«Biểu Excel, biểu giấy»: a form for a commune not on the program (at a hub or the province: one commune,
    or every commune of a hub at once; at a commune: its own), written into a chosen folder."""

    def __init__(self, ctx: AppContext, ask_folder: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Biểu nhập số liệu cho đơn vị chưa dùng chương trình"))
        self.ctx = ctx
        self.ask_folder = ask_folder
        self.last_written: list[Path] = []
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Biểu Excel (.xlsx) để điền trên máy rồi gửi lại và nhập ở mục «Nhận gói»; biểu giấy "
                               "(.pdf) để in cho thôn, tổ dân phố điền tay. Có sẵn số liệu năm trước để đối chiếu."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.unit = QComboBox()
        form.addRow(self.tr("Đơn vị:"), self.unit)
        row = QHBoxLayout()
        self.period = QLineEdit(str(QDate.currentDate().year()))
        self.period.setMaximumWidth(110)
        self.period.setToolTip(self.tr("Năm (ví dụ 2025) hoặc 6 tháng đầu năm (ví dụ 2025-H1)"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Biểu Excel (.xlsx)"), "xlsx")
        self.kind.addItem(self.tr("Biểu giấy để in (.pdf)"), "pdf")
        row.addWidget(self.period)
        row.addWidget(self.kind)
        row.addStretch(1)
        form.addRow(self.tr("Kỳ báo cáo:"), row)
        layout.addLayout(form)
        self.button = QPushButton(self.tr("Xuất biểu vào thư mục…"))
        self.button.clicked.connect(self.export)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)

    def refresh(self) -> None:
        from lhtl_desktop.services.forms import form_choices

        current = self.unit.currentData()
        self.unit.clear()
        for code, label, every in self.ctx.ops.read_now(form_choices):
            self.unit.addItem(label, (code, every))
        if current is not None:
            index = self.unit.findData(current)
            self.unit.setCurrentIndex(max(index, 0))

    def export(self, folder: str | None = None) -> None:
        from lhtl_desktop.services.forms import export_forms_to_folder

        choice = self.unit.currentData()
        if choice is None:
            return
        target = folder or self.ask_folder()
        if not target:
            return
        code, every = choice
        period, kind = self.period.text().strip(), str(self.kind.currentData())
        self.button.setEnabled(False)

        def done(paths: list[Path]) -> None:
            self.button.setEnabled(True)
            self.last_written = paths
            self.result.setText(self.tr("Đã ghi {n} biểu vào {folder}: {names}").format(
                n=len(paths), folder=target, names=", ".join(p.name for p in paths[:4]) + ("…" if len(paths) > 4 else "")))

        def failed(exc: LhtlError) -> None:
            self.button.setEnabled(True)
            self.result.setText(exc.message)

        self.ctx.ops.read(ReadOp(lambda store: export_forms_to_folder(store, code, period, target, kind, every),
                                 done, on_error=failed, progress=self.tr("Đang ghi biểu…")))
