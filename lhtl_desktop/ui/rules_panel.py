"""«Quy định của tỉnh» in Cài đặt: the province's rules in force, with their version and date.

Hubs and communes see them read-only (they arrive inside bundles from above); the province also changes the
criteria's numbers, the reporting deadlines and the citation of its plan here — each change a new version
(services.config), signed when it next leaves in a bundle. Thresholds and hubs keep their own tabs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lhtl_desktop.errors import LhtlError
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.criteria import CRITERIA, PARAM_BOUNDS, criteria_with
from lhtl_desktop.model.rules import KH87
from lhtl_desktop.services import account, config
from lhtl_desktop.storage import Store
from lhtl_desktop.ui.context import AppContext
from lhtl_desktop.ui.look import fmt_percent
from lhtl_desktop.ui.models import TextTableModel, tr
from lhtl_desktop.ui.ops import Changes, WriteOp
from lhtl_desktop.ui.page import with_filter


def param_label(name: str) -> str:
    return {
        "min_activities": tr("số hoạt động tối thiểu trong năm"),
        "min_groups": tr("số lớp, câu lạc bộ, nhóm tối thiểu"),
        "min_programmes": tr("số chương trình giáo dục tối thiểu"),
        "min_digital_exhibits": tr("số chuyên đề trưng bày số tối thiểu"),
    }.get(name, name)


class RulesPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = ctx.installation.level == Level.PROVINCE
        layout = QVBoxLayout(self)
        self.version = QLabel()
        self.version.setObjectName("sectionTitle")
        self.version.setWordWrap(True)
        layout.addWidget(self.version)
        self.note = QLabel(self.tr("Quy định do tỉnh ban hành, đến cùng các gói dữ liệu từ cấp trên; ở cấp này chỉ "
                                   "xem, không sửa.") if not self.editable else
                           self.tr("Mỗi thay đổi là một phiên bản mới, được ký bằng khóa của tỉnh khi xuất gói và "
                                   "đi xuống mọi cụm, xã trong các gói tiếp theo."))
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        facts = QGroupBox(self.tr("Căn cứ, hạn nộp, chế độ"))
        form = QFormLayout(facts)
        self.citation = QLabel()
        self.citation.setWordWrap(True)
        self.deadlines = QLabel()
        self.two_tier = QLabel()
        form.addRow(self.tr("Căn cứ:"), self.citation)
        form.addRow(self.tr("Hạn nộp:"), self.deadlines)
        form.addRow(self.tr("Chế độ hai cấp:"), self.two_tier)
        layout.addWidget(facts)

        self.model = TextTableModel((self.tr("Chỉ tiêu áp dụng"), self.tr("Ngưỡng theo mốc")), self)
        targets, self.filter = with_filter(_table(self.model, self.tr("Ngưỡng chỉ tiêu đang áp dụng"), stretch=0,
                                                  fixed=(1, 240)))
        layout.addWidget(targets, 2)
        self.criteria_model = TextTableModel((self.tr("Tiêu chí"), self.tr("Quy tắc")), self)
        # The three criteria (library, museum, centre): read at a glance, no filter above them.
        self.criteria_view = _table(self.criteria_model, self.tr("Tham số tiêu chí"), stretch=1, fixed=(0, 90))
        layout.addWidget(self.criteria_view, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        if self.editable:
            layout.addWidget(self._editors())
        layout.addWidget(self.message)

    # -- province: editors --------------------------------------------------------------------------------
    def _editors(self) -> QWidget:
        box = QGroupBox(self.tr("Thay đổi quy định"))
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.param_choice = QComboBox()
        for code, crit in CRITERIA.items():
            for name in crit.params:
                self.param_choice.addItem(f"{code}: {param_label(name)}", f"{code}:{name}")
        self.param_value = QSpinBox()
        self.param_value.setRange(0, max(hi for _lo, hi in PARAM_BOUNDS.values()))
        self.param_save = QPushButton(self.tr("Lưu tham số"))
        row.addWidget(self.param_choice, 1)
        row.addWidget(self.param_value)
        row.addWidget(self.param_save)
        form.addRow(self.tr("Tiêu chí:"), row)

        row = QHBoxLayout()
        self.deadline_year = QLineEdit()
        self.deadline_year.setPlaceholderText("15/12")
        self.deadline_year.setMaximumWidth(80)
        self.deadline_half = QLineEdit()
        self.deadline_half.setPlaceholderText("14/06")
        self.deadline_half.setMaximumWidth(80)
        self.deadline_save = QPushButton(self.tr("Lưu hạn nộp"))
        row.addWidget(QLabel(self.tr("báo cáo năm")))
        row.addWidget(self.deadline_year)
        row.addWidget(QLabel(self.tr("báo cáo 6 tháng")))
        row.addWidget(self.deadline_half)
        row.addWidget(self.deadline_save)
        row.addStretch(1)
        form.addRow(self.tr("Hạn nộp:"), row)

        row = QHBoxLayout()
        self.cite_kind = QLineEdit()
        self.cite_kind.setPlaceholderText(self.tr("Kế hoạch"))
        self.cite_kind.setMaximumWidth(110)
        self.cite_number = QLineEdit()
        self.cite_number.setPlaceholderText("87/KH-UBND")
        self.cite_number.setMaximumWidth(130)
        self.cite_date = QLineEdit()
        self.cite_date.setPlaceholderText("19/05/2023")
        self.cite_date.setMaximumWidth(110)
        self.cite_issuer = QLineEdit()
        self.cite_issuer.setPlaceholderText(self.tr("UBND tỉnh …"))
        self.cite_save = QPushButton(self.tr("Lưu căn cứ"))
        for w in (self.cite_kind, self.cite_number, self.cite_date, self.cite_issuer, self.cite_save):
            row.addWidget(w)
        form.addRow(self.tr("Căn cứ:"), row)

        self.param_save.clicked.connect(self.save_param)
        self.param_choice.currentIndexChanged.connect(lambda _i: self._show_param())
        self.deadline_save.clicked.connect(self.save_deadlines)
        self.cite_save.clicked.connect(self.save_citation)
        return box

    def _write(self, fn: Callable[[Store], object]) -> None:
        def done(_r: object) -> None:
            self.message.setStyleSheet("color: #1b6e32;")
            self.refresh()
            self.message.setText(self.tr("Đã lưu: {label}.").format(label=self.rules.label))

        def refused(exc: LhtlError) -> None:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(exc.message)

        self.ctx.ops.write(WriteOp(fn, Changes.CONFIG | Changes.SETTINGS, on_done=done, on_error=refused,
                                   source=self))

    def save_param(self) -> None:
        code, name = str(self.param_choice.currentData()).split(":")
        value = self.param_value.value()
        self._write(lambda store: config.set_criterion_param(store, code, name, value))

    def save_deadlines(self) -> None:
        year, half = self.deadline_year.text(), self.deadline_half.text()

        def work(store: Store) -> None:
            current = config.rules_in_force(store).content.deadlines
            if year.strip() and year.strip() != "{:02d}/{:02d}".format(*current.year):
                config.set_deadline(store, "year", year)
            if half.strip() and half.strip() != "{:02d}/{:02d}".format(*current.half_year):
                config.set_deadline(store, "half_year", half)

        self._write(work)

    def save_citation(self) -> None:
        kind = self.cite_kind.text()
        if kind.strip() == self.tr(KH87.kind):  # our default kind, shown in the program's language, stored as written
            kind = KH87.kind
        fields = {"kind": kind, "number": self.cite_number.text(), "date": self.cite_date.text(),
                  "issuer": self.cite_issuer.text()}
        self._write(lambda store: config.set_citation(store, fields))

    def _show_param(self) -> None:
        data = self.param_choice.currentData()
        if data:
            code, name = str(data).split(":")
            defaults = CRITERIA[code].params
            self.param_value.setValue(self.rules.content.criteria.get(code, defaults).get(name, defaults[name]))

    # -- showing ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.rules = rules = self.ctx.ops.read_now(config.rules_in_force)
        c = rules.content
        signer = ""
        if rules.version:
            signer = " — " + (self.tr("ký bởi {officer}").format(officer=rules.officer or rules.issued_by[:8])
                              if rules.signed else self.tr("chưa ký: sẽ ký khi xuất gói"))
        self.version.setText(self.tr("Quy định của tỉnh: {label}").format(label=rules.label) + signer)
        self.citation.setText(self.tr("Quyết định số 1520/QĐ-TTg và {plan}").format(plan=c.citation.as_text()))
        self.deadlines.setText(self.tr("báo cáo năm {y}, báo cáo 6 tháng {h}").format(
            y="{:02d}/{:02d}".format(*c.deadlines.year), h="{:02d}/{:02d}".format(*c.deadlines.half_year)))
        self.two_tier.setText(self.tr("có (xã báo cáo thẳng lên tỉnh)") if c.two_tier else self.tr("không"))
        labels = {t.code: t.label for t in self.ctx.ops.read_now(account.target_definitions)}
        self.model.set_rows([
            (labels.get(code, code), "; ".join(f"{y}: {fmt_percent(v, 1) if v is not None else '—'}"
                                               for y, v in sorted(c.milestones.get(code, {}).items())))
            for code in c.targets])
        self.criteria_model.set_rows([(code, crit.rule_text) for code, crit in criteria_with(c.criteria).items()])
        if self.editable:
            cit = c.citation
            self.cite_kind.setText(self.tr(cit.kind))  # the default «Kế hoạch» in the program's language
            self.cite_number.setText(cit.number)
            self.cite_date.setText("/".join(reversed(cit.date.split("-"))) if cit.date else "")
            self.cite_issuer.setText(cit.issuer)
            self.deadline_year.setText("{:02d}/{:02d}".format(*c.deadlines.year))
            self.deadline_half.setText("{:02d}/{:02d}".format(*c.deadlines.half_year))
            self._show_param()


def _table(model: TextTableModel, name: str, *, stretch: int, fixed: tuple[int, int]) -> QTableView:
    """A read-only list of the rules: one column takes the free width, another a fixed one."""
    view = QTableView()
    view.setAccessibleName(name)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setColumnWidth(*fixed)
    return view
