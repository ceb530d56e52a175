"""«Cài đặt» → «Thể thức văn bản»: the NĐ 30 formalities every sheet prints (services/reports/formalities.py).

Issuing body, «Số: …/BC-…», recipients, place, signer's position and name. Multi-line fields take one line
each; an empty field goes back to the default for this installation's level. One save validates everything
and writes it in one transaction, so a refused value leaves every field as it was stored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.services.reports import formalities as paper
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.ops import Changes, WriteOp


def _lines_box(rows: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * rows + 14)
    return box


class FormalitiesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("Thể thức biểu in (Nghị định 30/2020/NĐ-CP)"))
        form = QFormLayout(box)
        self.issuer = _lines_box(2)
        self.abbreviation = QLineEdit()
        self.abbreviation.setMaximumWidth(160)
        self.number = QLineEdit()
        self.number.setMaximumWidth(150)
        self.number.setPlaceholderText(self.tr("để trống: viết tay"))
        self.recipients = _lines_box(4)
        self.place = QLineEdit()
        self.signer_title = _lines_box(2)
        self.signer_name = QLineEdit()
        self.signer_name.setPlaceholderText(self.tr("để trống: viết tay"))
        number_row = QHBoxLayout()
        number_row.addWidget(QLabel(self.tr("Số:")))
        number_row.addWidget(self.number)
        number_row.addWidget(QLabel("/BC-"))
        number_row.addWidget(self.abbreviation)
        number_row.addStretch(1)
        form.addRow(self.tr("Cơ quan chủ quản, cơ quan ban hành (mỗi dòng một tên):"), self.issuer)
        form.addRow(self.tr("Số văn bản:"), number_row)
        form.addRow(self.tr("Nơi nhận (mỗi dòng một nơi):"), self.recipients)
        form.addRow(self.tr("Địa danh:"), self.place)
        form.addRow(self.tr("Chức vụ người ký (mỗi dòng một dòng in):"), self.signer_title)
        form.addRow(self.tr("Họ tên người ký:"), self.signer_name)
        layout.addWidget(box)
        hint = QLabel(self.tr("Ô để trống thì dùng mặc định của cấp mình. Ngày ghi trên biểu là ngày lập biểu "
                              "(dòng lệnh «lhtl report --date 05/01/2026» ghi ngày khác)."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Lưu thể thức"))
        buttons.addWidget(self.save_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons.addWidget(self.message, 1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        me = self.ctx.installation
        f = self.ctx.ops.read_now(
            lambda store: paper.formalities(store, me.unit, store.unit(me.province_code) or me.unit))
        self.issuer.setPlainText("\n".join(f.issuer_lines))
        self.abbreviation.setText(f.abbreviation)
        self.number.setText(f.number)
        self.recipients.setPlainText("\n".join(f.recipients))
        self.place.setText(f.place)
        self.signer_title.setPlainText("\n".join(f.signer_title))
        self.signer_name.setText(f.signer_name)

    def save(self) -> None:
        fields: dict[str, Any] = dict(issuer=paper.split_lines(self.issuer.toPlainText()), abbreviation=self.abbreviation.text(),
                      number=self.number.text(), recipients=paper.split_lines(self.recipients.toPlainText()),
                      place=self.place.text(), signer_title=paper.split_lines(self.signer_title.toPlainText()),
                      signer_name=self.signer_name.text())

        def failed(exc: LhtlError) -> None:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(exc.message)

        def done(_result: object) -> None:
            self.message.setStyleSheet("color: #1b6e32;")
            self.message.setText(self.tr("Đã lưu."))
            self.refresh()

        self.ctx.ops.write(WriteOp(lambda store: paper.set_formalities(store, **fields), Changes.SETTINGS,
                                   on_done=done, on_error=failed, source=self))
