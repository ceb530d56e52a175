"""The Excel return forms on the «Đồng bộ» page: `.xlsx` files chosen or dropped next to `.lhtl` bundles.

The section shows the option «Dùng giá trị đã tính» (formula cells: refused unless accepted) and, when a form
is refused for its cells, the list of cells to fix (sheet, cell, message) — the same list `lhtl form import`
prints. Forms are read, previewed and imported by `services.forms.importer` as one `WriteOp` (backup and one
transaction inside); the page shows their results in its results and detail tables beside the bundles'.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QLabel, QTableView, QVBoxLayout, QWidget

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.services.forms.importer import ACCEPTED, STATUS_LABELS, FormResult, import_forms
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.ops import Changes, WriteOp

FORM_SUFFIXES = (".xlsx", ".xlsm")


def is_form_file(path: Path) -> bool:
    return path.suffix.lower() in FORM_SUFFIXES


class FormImportSection(QWidget):
    """The option and the cell-error list of the «Nhận gói» tab."""

    def __init__(self, ctx: AppContext, table: Callable[[TextTableModel], QTableView],
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
        self.errors_view = table(self.errors_model)
        layout.addWidget(self.errors_label)
        layout.addWidget(self.errors_view, 1)
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
        self.errors_label.setVisible(bool(rows))
        self.errors_view.setVisible(bool(rows))
