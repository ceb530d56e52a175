"""«Đồng bộ»: send and receive signed bundles, the inbox per unit, keys and enrolment, quarantine, conflicts.

The page only calls lhtl_desktop.sync and services; exports and imports run off the UI thread (ui.tasks).
Dialogs that ask the officer something (folder, files, passphrase) go through small methods tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError, ValidationError
from lhtl_desktop.model.reporting import local_time_text
from lhtl_desktop.model.units import Unit
from lhtl_desktop.services import entry, reporting
from lhtl_desktop.storage import Store
from lhtl_desktop.sync import conflicts as sync_conflicts
from lhtl_desktop.sync import enrolment, exporter, importer, inbox
from lhtl_desktop.sync.conflicts import Conflict
from lhtl_desktop.sync.importer import FileResult
from lhtl_desktop.sync.trust import STATUS_LABELS
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.dialogs import plain_text_labels, show_error
from lhtl_desktop.ui.form_import import FormExportBox, FormImportSection, is_form_file
from lhtl_desktop.ui.import_history import ImportHistoryPanel
from lhtl_desktop.ui.institution_conflicts import InstitutionConflictsPanel
from lhtl_desktop.ui.look import UI_LOCALE, fmt_when
from lhtl_desktop.ui.models import TextTableModel
from lhtl_desktop.ui.ops import Changes, Control, WriteOp
from lhtl_desktop.ui.page import Page, titled_list, with_filter

T = TypeVar("T")

IMPORT_CHANGES = Changes.VALUES | Changes.INSTITUTIONS | Changes.KEYS | Changes.SYNC | Changes.SUBMISSIONS | Changes.CONFIG
"""What an accepted import may change (the snapshot's records and institutions, certificates, receipts)."""


def num(value: int | None) -> str:
    return "—" if value is None else UI_LOCALE.toString(int(value))


def _table(model: TextTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class SyncPage(Page):
    depends_on = Changes.KEYS | Changes.SYNC | Changes.VALUES | Changes.SUBMISSIONS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAcceptDrops(True)
        self.pending: list[Path] = []
        self.last_results: list[FileResult] = []
        self.last_export: exporter.ExportResult | None = None
        self.conflicts: list[Conflict] = []
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Đồng bộ"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_send(), self.tr("Gửi gói"))
        self.tabs.addTab(self._build_receive(), self.tr("Nhận gói"))
        self.tabs.addTab(self._build_inbox(), self.tr("Hộp thư đến"))
        self.tabs.addTab(self._build_conflicts(), self.tr("Xung đột"))
        self.tabs.addTab(self._build_keys(), self.tr("Khóa và đăng ký"))
        self.tabs.addTab(self._build_quarantine(), self.tr("Tệp cách ly"))
        plain_text_labels(self)  # names and messages shown as typed, never as HTML

    # -- questions to the officer (tests replace these) -------------------------------------------------
    def ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, self.tr("Chọn thư mục (ví dụ ổ USB) để lưu gói"))

    def ask_files(self) -> list[str]:
        files, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Chọn gói số liệu"), "",
            self.tr("Gói số liệu, biểu Excel hoặc ảnh chụp biểu cấp xã (*.lhtl *.xlsx *.png *.jpg *.jpeg *.pdf);;"
                    "Gói số liệu (*.lhtl);;Biểu Excel (*.xlsx);;Mọi tệp (*)"))
        return files

    def ask_enrolment_file(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Chọn tệp đăng ký khóa"), "", self.tr("Tệp đăng ký khóa (*.lhtl);;Mọi tệp (*)"))
        return path

    def ask_passphrase(self) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("Mật khẩu bảo vệ khóa"),
                                        self.tr("Nhập mật khẩu bảo vệ khóa để ký:"), QLineEdit.EchoMode.Password)
        return text if ok else None

    def ask_new_key(self) -> tuple[bool, str, str]:
        """(go on?, new officer's name or "", passphrase for the new key or ""). Tests replace this."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Tạo khóa mới"), self.tr(
            "Tạo khóa mới khi đổi cán bộ hoặc quên mật khẩu bảo vệ khóa. Không cần mật khẩu cũ và không mất số liệu. "
            "Khóa cũ sẽ không ký được nữa; cấp trên cần đăng ký khóa mới (đối chiếu dấu vân tay mới). Tiếp tục?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Tạo khóa mới"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Hủy"))
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False, "", ""
        officer, ok = QInputDialog.getText(self, self.tr("Tạo khóa mới"),
                                           self.tr("Họ tên cán bộ (để trống: giữ tên hiện tại):"))
        if not ok:
            return False, "", ""
        passphrase, ok = QInputDialog.getText(self, self.tr("Tạo khóa mới"), self.tr(
            "Mật khẩu MỚI bảo vệ khóa mới (ít nhất 8 ký tự; để trống: không bảo vệ):"), QLineEdit.EchoMode.Password)
        return ok, officer.strip(), passphrase

    def ask_replace_key(self, text: str) -> bool:
        """Yes: the new key replaces the unit's active key (retired at its marks). Tests replace this."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Thay khóa của đơn vị?"),
                          text + "\n\n"
                          + self.tr("Khóa mới có thay khóa đang dùng không?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # unit names and officers come from files
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Thay khóa"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Không đăng ký"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _passphrase(self) -> tuple[bool, str | None]:
        """(go on?, passphrase). Only asks when the key is protected."""
        if not self.ctx.ops.read_now(enrolment.own_key_protected):
            return True, None
        text = self.ask_passphrase()
        return text is not None, text

    # -- Gửi gói ------------------------------------------------------------------------------------------
    def _build_send(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("Xuất một gói có chữ ký gồm toàn bộ số liệu trong phạm vi của đơn vị mình. Tên tệp "
                               "ghi rõ ai gửi, gửi cho ai, lúc nào; gửi bằng USB, thư điện tử hoặc Zalo đều được."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.recipient = QComboBox()
        form.addRow(self.tr("Gửi cho:"), self.recipient)
        row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("Thư mục lưu gói, ví dụ ổ USB"))
        choose = QPushButton(self.tr("Chọn thư mục…"))
        choose.clicked.connect(self._choose_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        form.addRow(self.tr("Lưu vào:"), row)
        self.file_name = QLabel()
        form.addRow(self.tr("Tên tệp:"), self.file_name)
        layout.addLayout(form)
        self.export_button = QPushButton(self.tr("Xuất gói"))
        self.export_button.clicked.connect(self.export)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.export_result = QLabel()
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.export_result)
        # What came back: the receipt of my newest acknowledged bundle, and every bundle I sent (the outbox).
        self.receipt_line = QLabel()
        self.receipt_line.setObjectName("receiptLine")
        self.receipt_line.setWordWrap(True)
        self.receipt_line.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.receipt_line)
        outbox_title = QLabel(self.tr("Gói đã gửi và biên nhận của nơi nhận"))
        outbox_title.setStyleSheet("font-weight: 600;")
        self.outbox_model = TextTableModel([self.tr("Gói số"), self.tr("Gửi cho"), self.tr("Lập lúc"),
                                            self.tr("Số giá trị"), self.tr("Biên nhận")], self)
        self.outbox_view = _table(self.outbox_model, self.tr("Gói đã gửi"))
        outbox, self.outbox_filter = titled_list(outbox_title, self.outbox_view)
        layout.addWidget(outbox, 1)
        self.form_export = FormExportBox(self.ctx, self.ask_folder)  # return forms out (ui/form_import.py)
        layout.addWidget(self.form_export)
        self.recipient.currentIndexChanged.connect(self._update_file_name)
        return page

    def _choose_folder(self) -> None:
        folder = self.ask_folder()
        if folder:
            self.folder.setText(folder)

    def _update_file_name(self) -> None:
        code = self.recipient.currentData()
        try:
            self.file_name.setText(
                self.ctx.ops.read_now(lambda store: exporter.suggested_file_name(store, code)) if code else "")
        except LhtlError as exc:
            self.file_name.setText(exc.message)

    def export(self) -> None:
        folder = self.folder.text().strip()
        code = self.recipient.currentData()
        if not folder or not Path(folder).is_dir():
            show_error(self, ValidationError(self.tr("Hãy chọn thư mục lưu gói (ví dụ ổ USB) đang có trên máy.")))
            return
        if not code:
            show_error(self, ValidationError(self.tr("Đơn vị này không có nơi nhận gói.")))
            return
        go, passphrase = self._passphrase()
        if not go:
            return
        self.export_button.setEnabled(False)

        def work(store: Store) -> exporter.ExportResult:
            return exporter.export_bundle(store, Path(folder), to_unit=code, passphrase=passphrase)

        def done(result: exporter.ExportResult) -> None:
            self.export_button.setEnabled(True)
            self.last_export = result
            self.export_result.setText(self.tr("Đã ghi gói số {seq} gửi {to}: {path} ({n} thiết chế, {r} giá trị).")
                                       .format(seq=result.seq, to=self.recipient.currentText(), path=str(result.path),
                                               n=num(result.institutions), r=num(result.records)))
            self.refresh()

        self._write(work, Changes.SYNC, done, self._failed(self.export_button), progress=self.tr("Đang xuất gói…"))

    def _failed(self, button: QPushButton) -> Callable[[LhtlError], None]:
        def failed(exc: LhtlError) -> None:
            button.setEnabled(True)
            show_error(self, exc)
        return failed

    def _write(self, fn: Callable[[Store], T], changes: Changes | Callable[[T], Changes], done: Callable[[T], None],
               refused: Callable[[LhtlError], None], *, progress: str | None = None,
               control: Control | None = None) -> QProgressDialog | None:
        """This page's writes, queued on the writer; the page shows the outcome itself (`source`)."""
        return self.ctx.ops.write(WriteOp(fn, changes, on_done=done, on_error=refused, source=self, progress=progress,
                                   control=control))

    # -- Nhận gói -----------------------------------------------------------------------------------------
    def _build_receive(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("Chọn hoặc kéo thả một hay nhiều tệp .lhtl (gói có chữ ký) hoặc .xlsx (biểu Excel đã điền) "
                               "vào đây. «Xem trước» cho biết sẽ có gì mới, thay đổi, cũ hơn hay xung đột mà chưa ghi "
                               "gì; «Nhập» sao lưu dữ liệu rồi nhập từng tệp."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.files = QListWidget()
        self.files.setMaximumHeight(70)
        row.addWidget(self.files, 1)
        buttons = QVBoxLayout()
        add = QPushButton(self.tr("Chọn tệp…"))
        add.clicked.connect(self._choose_files)
        clear = QPushButton(self.tr("Bỏ chọn"))
        clear.clicked.connect(self._clear_files)
        buttons.addWidget(add)
        buttons.addWidget(clear)
        row.addLayout(buttons)
        layout.addLayout(row)
        actions = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("Xem trước"))
        self.preview_button.clicked.connect(lambda: self.run_import(dry_run=True))
        self.import_button = QPushButton(self.tr("Nhập"))
        self.import_button.clicked.connect(lambda: self.run_import(dry_run=False))
        actions.addWidget(self.preview_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.result_summary = QLabel()
        self.result_summary.setWordWrap(True)
        layout.addWidget(self.result_summary)
        self.results_model = TextTableModel([self.tr("Tệp"), self.tr("Kết quả"), self.tr("Mới"), self.tr("Thay đổi"),
                                             self.tr("Không đổi"), self.tr("Cũ hơn"), self.tr("Xung đột"),
                                             self.tr("Lý do")])
        self.results_view = _table(self.results_model, self.tr("Kết quả nhập từng tệp"))
        self.results_view.setMinimumHeight(92)  # three files in view, whatever else the tab shows
        results, self.results_filter = with_filter(self.results_view)
        layout.addWidget(results, 1)
        self.preview_model = TextTableModel([self.tr("Tệp"), self.tr("Đơn vị"), self.tr("Thiết chế"), self.tr("Mới"),
                                             self.tr("Thay đổi"), self.tr("Không đổi"), self.tr("Cũ hơn"),
                                             self.tr("Xung đột")])
        self.preview_view = _table(self.preview_model, self.tr("Xem trước theo đơn vị và thiết chế"))
        preview, self.preview_filter = titled_list(QLabel(self.tr("Chi tiết theo đơn vị và thiết chế:")),
                                                   self.preview_view)
        layout.addWidget(preview, 2)
        self.form_section = FormImportSection(self.ctx, _table, self)  # .xlsx return forms (ui/form_import.py)
        actions.addWidget(self.form_section.use_cached)
        layout.addWidget(self.form_section, 2)
        self._update_import_buttons()
        return page

    def add_files(self, paths: list[str | Path]) -> None:
        for raw in paths:
            path = Path(raw)
            if path not in self.pending:
                self.pending.append(path)
                self.files.addItem(path.name)
        self._update_import_buttons()

    def preview_files(self, paths: list[Path]) -> None:
        """Files received from elsewhere: listed on «Nhận gói» and previewed at once (nothing written)."""
        self.add_files(list(paths))
        self.tabs.setCurrentIndex(1)
        self.run_import(dry_run=True)

    def _choose_files(self) -> None:
        self.add_files(list(self.ask_files()))

    def _clear_files(self) -> None:
        self.pending.clear()
        self.files.clear()
        self._update_import_buttons()

    def _update_import_buttons(self) -> None:
        self.preview_button.setEnabled(bool(self.pending))
        self.import_button.setEnabled(bool(self.pending))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths: list[str | Path] = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.add_files(paths)
            self.tabs.setCurrentIndex(1)
            event.acceptProposedAction()

    def run_import(self, *, dry_run: bool) -> None:
        if not self.pending:
            return
        forms = [p for p in self.pending if is_form_file(p)]
        if forms:  # Excel return forms first (their own reader), then the bundles
            bundles = [p for p in self.pending if not is_form_file(p)]
            for b in (self.preview_button, self.import_button):
                b.setEnabled(False)

            def forms_done(results: list[Any]) -> None:
                if bundles:
                    self._run_bundles(bundles, dry_run=dry_run)
                else:
                    self.show_results([])
                    if not dry_run:
                        self._clear_files()
                        self.refresh()
                    self._update_import_buttons()

            def forms_failed(exc: LhtlError) -> None:
                self._update_import_buttons()
                show_error(self, exc)

            self.form_section.run(forms, dry_run=dry_run, on_done=forms_done, on_error=forms_failed)
            return
        self.form_section.last_results = []
        self._run_bundles(list(self.pending), dry_run=dry_run)

    def _run_bundles(self, files: list[Path], *, dry_run: bool) -> None:
        for b in (self.preview_button, self.import_button):
            b.setEnabled(False)
        control = Control()
        self.import_control = control

        def work(store: Store) -> list[FileResult]:
            # A real import can be stopped: the batch then rolls back whole (see importer.import_files).
            return importer.import_files(store, files, dry_run=dry_run, progress=control.report,
                                         cancel=None if dry_run else control.cancelled)

        def done(results: list[FileResult]) -> None:
            self.show_results(results)
            if not dry_run:
                self._clear_files()
                self.refresh()
            self._update_import_buttons()

        def failed(exc: LhtlError) -> None:
            self._update_import_buttons()
            if isinstance(exc, importer.ImportCancelled):
                self.result_summary.setText(exc.message)  # the files stay listed, to import later
            else:
                show_error(self, exc)

        changes = Changes.NONE if dry_run else IMPORT_CHANGES
        dialog = self._write(work, changes, done, failed, control=control,
                             progress=self.tr("Đang xem trước…") if dry_run else self.tr("Đang sao lưu và nhập gói…"))
        self.import_task = (dialog, control)

    def show_results(self, results: list[FileResult]) -> None:
        self.last_results = results
        rows: list[tuple[str, ...]] = []
        details: list[tuple[str, ...]] = []
        forms = self.form_section.last_results
        if forms:
            rows, details = self.form_section.result_rows(forms, num, self.tr("sẽ nhập"))
        for r in results:
            status = importer.STATUS_LABELS[r.status]
            if r.dry_run and r.status == importer.ACCEPTED:
                status = self.tr("sẽ nhập")
            notes = [r.reason, *r.warnings]
            if r.rules:
                notes.append(self.tr("Quy định của tỉnh phiên bản {v}: {text}").format(v=r.rules["version"],
                                                                                   text=r.rules["text"]))
            rows.append((Path(r.file).name, status, num(r.new), num(r.changed), num(r.unchanged), num(r.stale),
                         num(r.conflicts), " ".join(n for n in notes if n)))
            for p in r.preview:
                details.append((Path(r.file).name, p.unit_name, p.institution_name, num(p.new), num(p.changed),
                                num(p.unchanged), num(p.stale), num(p.conflicts)))
        self.results_model.set_rows(rows)
        self.preview_model.set_rows(details)
        every: list[Any] = [*results, *forms]  # bundles' and forms' results have these fields alike
        bad = sum(1 for r in every if r.status in (importer.REJECTED, importer.QUARANTINED))
        conflicts = sum(r.conflicts for r in every)
        dry = any(r.dry_run for r in every)
        text = (self.tr("Xem trước {n} tệp — chưa ghi gì.") if dry else self.tr("Đã xử lý {n} tệp.")).format(
            n=len(results) + len(forms))
        if bad:
            text += " " + self.tr("{bad} tệp bị từ chối hoặc đang cách ly: xem cột «Lý do».").format(bad=bad)
        if conflicts:
            text += " " + self.tr("{c} giá trị xung đột: xem mục «Xung đột».").format(c=conflicts)
        warnings = [w for r in results for w in r.warnings]  # forks after a restore: first, never hidden
        if warnings:
            text = " ".join(dict.fromkeys(warnings)) + " " + text
        self.result_summary.setText(text)

    # -- Hộp thư đến --------------------------------------------------------------------------------------
    def _build_inbox(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("Gói đã nhận từ từng đơn vị. Mỗi gói là bản đầy đủ nên thiếu một gói không làm mất số "
                               "liệu, nhưng nên hỏi lại đơn vị gửi."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.inbox_model = TextTableModel([self.tr("Đơn vị"), self.tr("Gói cuối (số)"), self.tr("Lập lúc"),
                                           self.tr("Nhận lúc"), self.tr("Tệp"), self.tr("Tình trạng")])
        self.inbox_view = _table(self.inbox_model, self.tr("Gói đã nhận theo đơn vị"))
        inbox_box, self.inbox_filter = with_filter(self.inbox_view)
        layout.addWidget(inbox_box, 1)
        self.import_history = ImportHistoryPanel(self.ctx)  # every imported file, and «Hoàn tác gói…»
        layout.addWidget(self.import_history, 2)
        return page

    # -- Xung đột -----------------------------------------------------------------------------------------
    def _build_conflicts(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("Hai nơi sửa cùng một số liệu mà không thấy nhau: cả hai giá trị được giữ. Báo cáo tạm "
                               "dùng giá trị của cấp cao hơn (đánh dấu ⚠) cho đến khi cán bộ chọn hoặc nhập giá trị "
                               "thống nhất và ghi lý do."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.conflicts_model = TextTableModel([self.tr("Đơn vị"), self.tr("Thiết chế"), self.tr("Kỳ"),
                                               self.tr("Chỉ số"), self.tr("Giá trị tạm (⚠)"), self.tr("Các giá trị")])
        self.conflicts_view = _table(self.conflicts_model, self.tr("Các xung đột đang mở"))
        conflicts, self.conflicts_filter = with_filter(self.conflicts_view)
        layout.addWidget(conflicts, 2)
        self.sides_model = TextTableModel([self.tr("Giá trị"), self.tr("Đơn vị"), self.tr("Người nhập"),
                                           self.tr("Lý do"), self.tr("Thời điểm")])
        self.sides_view = _table(self.sides_model, self.tr("Các bên của xung đột"))
        layout.addWidget(QLabel(self.tr("Các bên của xung đột đang chọn (bấm một dòng để lấy giá trị đó):")))
        layout.addWidget(self.sides_view, 1)
        box = QGroupBox(self.tr("Giá trị thống nhất"))
        form = QFormLayout(box)
        self.resolve_value = QLineEdit()
        self.resolve_reason = QLineEdit()
        self.resolve_reason.setPlaceholderText(self.tr("Ví dụ: đã gọi điện thống nhất với xã"))
        form.addRow(self.tr("Giá trị:"), self.resolve_value)
        form.addRow(self.tr("Lý do:"), self.resolve_reason)
        self.resolve_button = QPushButton(self.tr("Lưu giá trị thống nhất"))
        self.resolve_button.clicked.connect(self.resolve)
        self.resolve_message = QLabel()
        self.resolve_message.setObjectName("fieldError")
        self.resolve_message.setWordWrap(True)
        form.addRow(self.resolve_button, self.resolve_message)
        layout.addWidget(box)
        self.institution_conflicts = InstitutionConflictsPanel(self.ctx)  # concurrent institution edits
        layout.addWidget(self.institution_conflicts, 1)
        self.conflicts_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_sides())
        self.sides_view.clicked.connect(self._pick_side)
        return page

    def selected_conflict(self) -> Conflict | None:
        row = self.conflicts_view.currentIndex().row()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _show_sides(self) -> None:
        c = self.selected_conflict()
        self.sides_model.set_rows([] if c is None else [
            (num(r.value) if r.value is not None else self.tr("(đã xóa)"), r.author_unit, r.author_name or r.author_key[:8],
             r.reason or "", fmt_when(r.created_at)) for r in c.siblings])
        self.resolve_message.setText("")

    def _pick_side(self) -> None:
        c = self.selected_conflict()
        row = self.sides_view.currentIndex().row()
        if c is not None and 0 <= row < len(c.siblings) and c.siblings[row].value is not None:
            self.resolve_value.setText(str(c.siblings[row].value))

    def resolve(self) -> None:
        c = self.selected_conflict()
        if c is None:
            self.resolve_message.setText(self.tr("Hãy chọn một xung đột trong danh sách."))
            return
        reason = self.resolve_reason.text()  # required by the same rule as the CLI's `set --why`
        value = self.resolve_value.text()

        def done(_result: object) -> None:
            self.resolve_value.clear()
            self.resolve_reason.clear()
            self.resolve_message.setText(self.tr("Đã lưu. Giá trị thống nhất sẽ đi kèm gói gửi tiếp theo."))
            self.refresh()

        self._write(lambda store: entry.set_values(store, c.institution_id, c.period, {c.indicator: value}, reason),
                    Changes.VALUES, done, lambda exc: self.resolve_message.setText(exc.message))

    # -- Khóa và đăng ký ----------------------------------------------------------------------------------
    def _build_keys(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.own_key = QLabel()
        self.own_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.own_key.setWordWrap(True)
        layout.addWidget(self.own_key)
        own_row = QHBoxLayout()
        write = QPushButton(self.tr("Ghi tệp đăng ký khóa của máy này…"))
        write.clicked.connect(self.write_enrolment)
        self.new_key_button = QPushButton(self.tr("Tạo khóa mới (đổi cán bộ, quên mật khẩu)…"))
        self.new_key_button.clicked.connect(self.new_key)
        own_row.addWidget(write)
        own_row.addWidget(self.new_key_button)
        own_row.addStretch(1)
        layout.addLayout(own_row)
        box = QGroupBox(self.tr("Đăng ký khóa của đơn vị khác"))
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.enrol_file = QLineEdit()
        pick = QPushButton(self.tr("Chọn tệp…"))
        pick.clicked.connect(lambda: self.enrol_file.setText(self.ask_enrolment_file() or self.enrol_file.text()))
        row.addWidget(self.enrol_file, 1)
        row.addWidget(pick)
        form.addRow(self.tr("Tệp đăng ký:"), row)
        self.enrol_fingerprint = QLineEdit()
        self.enrol_fingerprint.setPlaceholderText("0000 0000 0000 0000 0000 0000")
        form.addRow(self.tr("Dấu vân tay (24 chữ số đọc từ phiếu in hoặc qua điện thoại):"), self.enrol_fingerprint)
        self.enrol_button = QPushButton(self.tr("Đối chiếu và đăng ký"))
        self.enrol_button.clicked.connect(self.enrol)
        self.enrol_message = QLabel()
        self.enrol_message.setWordWrap(True)
        form.addRow(self.enrol_button, self.enrol_message)
        layout.addWidget(box)
        self.keys_model = TextTableModel([self.tr("Đơn vị"), self.tr("Mã khóa"), self.tr("Dấu vân tay"),
                                          self.tr("Trạng thái"), self.tr("Đăng ký tại đây")])
        self.keys_view = _table(self.keys_model, self.tr("Các khóa được tin cậy"))
        keys, self.keys_filter = titled_list(QLabel(self.tr("Các khóa được tin cậy:")), self.keys_view)
        layout.addWidget(keys, 1)
        row = QHBoxLayout()
        retire = QPushButton(self.tr("Ghi nhận đã thay khóa"))
        retire.clicked.connect(lambda: self.change_status("retired"))
        revoke = QPushButton(self.tr("Thu hồi khóa"))
        revoke.clicked.connect(lambda: self.change_status("revoked"))
        row.addWidget(retire)
        row.addWidget(revoke)
        row.addStretch(1)
        layout.addLayout(row)
        self.trusted: list[Any] = []
        return page

    def write_enrolment(self) -> None:
        folder = self.ask_folder()
        if not folder:
            return
        go, passphrase = self._passphrase()
        if not go:
            return
        def work(store: Store) -> tuple[Path, str]:
            path = enrolment.export_enrolment(store, Path(folder), passphrase=passphrase)
            return path, enrolment.own_key_info(store).fingerprint

        def done(result: tuple[Path, str]) -> None:
            self.enrol_message.setText(self.tr("Đã ghi {path}. Gửi tệp cho cấp trên và đọc dấu vân tay {fp} qua "
                                               "điện thoại.").format(path=str(result[0]), fp=result[1]))

        self._write(work, Changes.NONE, done, lambda exc: show_error(self, exc))

    def new_key(self) -> None:
        """Officer change or lost passphrase: a new key, the old one retired here, the enrolment file written."""
        go, officer, passphrase = self.ask_new_key()
        if not go:
            return
        folder = self.ask_folder()
        if not folder:
            return
        self.new_key_button.setEnabled(False)

        def work(store: Store) -> enrolment.NewOwnKey:
            return enrolment.new_own_key(store, passphrase=passphrase or None, officer=officer or None,
                                         out=Path(folder))

        def done(result: enrolment.NewOwnKey) -> None:
            self.new_key_button.setEnabled(True)
            self.enrol_message.setText(self.tr(
                "Đã tạo khóa mới; khóa cũ {old} được ghi là đã thay. Đã ghi {path}: gửi tệp này cho cấp trên và đọc "
                "dấu vân tay mới {fp} qua điện thoại để cấp trên đăng ký.").format(
                old=result.old_key_id[:8], path=str(result.enrolment_path), fp=result.fingerprint))
            self.refresh()

        def failed(exc: LhtlError) -> None:
            self.new_key_button.setEnabled(True)
            self.enrol_message.setText(exc.message)

        self._write(work, Changes.KEYS | Changes.SETTINGS, done, failed, progress=self.tr("Đang tạo khóa mới…"))

    def enrol(self) -> None:
        path = self.enrol_file.text().strip()
        if not path:
            self.enrol_message.setText(self.tr("Hãy chọn tệp đăng ký khóa."))
            return
        go, passphrase = self._passphrase()
        if not go:
            return
        fingerprint = self.enrol_fingerprint.text()

        def done(result: enrolment.EnrolResult) -> None:
            self._enrolled(result)

        def failed(exc: LhtlError) -> None:
            if isinstance(exc, enrolment.ReplacementNeeded):  # the unit has an active key: the officer decides
                if not self.ask_replace_key(exc.window_message):
                    self.enrol_message.setText(self.tr("Không đăng ký: khóa đang dùng của đơn vị được giữ nguyên."))
                    return
                self._write(lambda store: enrolment.enrol_key(store, path, fingerprint, passphrase=passphrase,
                                                              replace=True),
                            Changes.KEYS, done, lambda e: self.enrol_message.setText(e.message))
                return
            self.enrol_message.setText(exc.message)

        self._write(lambda store: enrolment.enrol_key(store, path, fingerprint, passphrase=passphrase),
                    Changes.KEYS, done, failed)

    def _enrolled(self, result: enrolment.EnrolResult) -> None:
        text = (self.tr("Khóa của {unit} đã được đăng ký trước đó.") if result.already
                else self.tr("Đã đăng ký khóa của {unit}.")).format(unit=result.unit_name)
        if result.waiting:
            text += " " + self.tr("Có {n} tệp đang cách ly từ đơn vị này: vào «Tệp cách ly» để nhập lại.").format(
                n=result.waiting)
        self.enrol_message.setText(text)
        self.enrol_fingerprint.clear()
        self.refresh()

    def change_status(self, status: str) -> None:
        row = self.keys_view.currentIndex().row()
        if not 0 <= row < len(self.trusted):
            self.enrol_message.setText(self.tr("Hãy chọn một khóa trong danh sách."))
            return
        go, passphrase = self._passphrase()
        if not go:
            return
        key_id = self.trusted[row].key_id

        def done(_result: object) -> None:
            self.enrol_message.setText(self.tr("Đã cập nhật trạng thái khóa; thông tin này đi kèm gói gửi tiếp "
                                               "theo."))
            self.refresh()

        self._write(lambda store: enrolment.change_key_status(store, key_id, status, passphrase=passphrase),
                    Changes.KEYS, done, lambda exc: self.enrol_message.setText(exc.message))

    # -- Tệp cách ly --------------------------------------------------------------------------------------
    def _build_quarantine(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("Các tệp được ký bằng khóa chưa đăng ký. Chúng không được nhập và không bị xóa: hãy đăng "
                               "ký khóa của đơn vị gửi (đối chiếu dấu vân tay), rồi bấm «Nhập lại»."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.quarantine_model = TextTableModel([self.tr("Tệp"), self.tr("Mã khóa"), self.tr("Nhận lúc"),
                                                self.tr("Kích thước")])
        self.quarantine_view = _table(self.quarantine_model, self.tr("Tệp cách ly"))
        quarantine, self.quarantine_filter = with_filter(self.quarantine_view)
        layout.addWidget(quarantine, 1)
        self.requeue_button = QPushButton(self.tr("Nhập lại các tệp cách ly"))
        self.requeue_button.clicked.connect(self.import_quarantined)
        layout.addWidget(self.requeue_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def import_quarantined(self) -> None:
        self.requeue_button.setEnabled(False)

        def done(results: list[FileResult]) -> None:
            self.requeue_button.setEnabled(True)
            self.show_results(results)
            self.tabs.setCurrentIndex(1)
            self.refresh()

        self._write(importer.import_quarantined, IMPORT_CHANGES, done, self._failed(self.requeue_button),
                    progress=self.tr("Đang nhập lại…"))

    # -- refresh ------------------------------------------------------------------------------------------
    def first_field(self) -> QWidget | None:
        return self.tabs.tabBar()  # ← → choose the task; Tab goes into it

    def refresh(self) -> None:
        """Called when the page is shown or after a change it depends on: one read of everything it shows."""
        data = self.ctx.ops.read_now(_read_sync_state)
        current = self.recipient.currentData()
        self.recipient.blockSignals(True)
        self.recipient.clear()
        for code, name in data.recipients:
            self.recipient.addItem(f"{name} ({code})", code)
        if current is not None and self.recipient.findData(current) >= 0:
            self.recipient.setCurrentIndex(self.recipient.findData(current))
        self.recipient.blockSignals(False)
        self._update_file_name()
        self.form_export.refresh()

        receipt = next((r for r in data.outbox if r.acknowledged), None)
        self.receipt_line.setText(receipt.receipt_text() if receipt is not None else (
            self.tr("Chưa có biên nhận nào cho các gói đã gửi.") if data.outbox else ""))
        self.outbox_model.set_rows([
            (str(r.seq), f"{r.to_name} ({r.to})", local_time_text(r.created), num(r.records),
             r.receipt_text() if r.acknowledged else self.tr("chưa có biên nhận")) for r in data.outbox])

        self.inbox_model.set_rows([
            (f"{r.unit_name} ({r.unit})", str(r.last_seq), fmt_when(r.last_created), fmt_when(r.last_imported), r.last_file,
             r.gap_text) for r in data.inbox])
        self.import_history.refresh()

        self.conflicts = data.conflicts
        self.conflicts_model.set_rows([
            (c.unit_name, c.institution_name, c.period, c.indicator, num(c.provisional.value),
             "; ".join(f"{num(r.value)} ({r.author_unit}, {r.author_name or r.author_key[:8]})" for r in c.siblings))
            for c in self.conflicts])
        self._show_sides()
        self.institution_conflicts.refresh()
        n_conflicts = len(self.conflicts) + len({c.institution_id for c, _v in self.institution_conflicts.rows})
        self.tabs.setTabText(3, self.tr("Xung đột ({n})").format(n=n_conflicts) if n_conflicts
                             else self.tr("Xung đột"))

        info = data.own_key
        self.own_key.setText(self.tr("Khóa của máy này ({unit}): mã {key}\nDấu vân tay: {fp}").format(
            unit=info.unit_name, key=info.key_id[:8], fp=info.fingerprint))
        self.trusted = [k for k in data.trusted if k.key_id != info.key_id]
        units = data.units
        self.keys_model.set_rows([
            (f"{units[k.unit].name} ({k.unit})" if k.unit in units else k.unit, k.key_id[:8], k.fingerprint,
             STATUS_LABELS.get(k.status, k.status), self.tr("có") if k.direct else self.tr("qua cấp dưới"))
            for k in self.trusted])

        rows = data.quarantined
        self.quarantine_model.set_rows([
            (r["file_name"], r["key_id"][:8], fmt_when(r["received_at"]), f"{num(int(r['size']) // 1024)} KB")
            for r in rows])
        self.requeue_button.setEnabled(bool(rows))
        self.tabs.setTabText(5, self.tr("Tệp cách ly ({n})").format(n=len(rows)) if rows else self.tr("Tệp cách ly"))


@dataclass
class _SyncState:
    recipients: list[tuple[str, str]]
    inbox: list[Any]
    conflicts: list[Conflict]
    own_key: Any
    trusted: list[Any]
    units: dict[str, Unit]
    quarantined: list[dict[str, Any]]
    outbox: list[reporting.OutboxRow]


def _read_sync_state(store: Store) -> _SyncState:
    return _SyncState(list(exporter.recipients(store)), list(inbox.inbox(store)),
                      sync_conflicts.open_conflicts(store), enrolment.own_key_info(store),
                      list(enrolment.trusted_keys(store)), store.units(), list(inbox.quarantined(store)),
                      reporting.outbox(store))
