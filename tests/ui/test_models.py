"""Every item model of the window passes pytest-qt's model tester, empty and filled."""

from __future__ import annotations

from lhtl_desktop.services.evaluation import evaluate
from lhtl_desktop.services.institutions import list_institutions
from lhtl_desktop.services.overview import entry_overview
from lhtl_desktop.services.setup import setup_units
from lhtl_desktop.ui.models import EntryListModel, InstitutionTableModel, TargetTableModel, TextTableModel
from lhtl_desktop.ui.wizard import UnitTableModel


def test_models(qtmodeltester, commune):
    models = [
        (InstitutionTableModel({"14389": "Xã Gia Lâm"}), list_institutions(commune.store)),
        (EntryListModel(), entry_overview(commune.store, "2025")),
        (TargetTableModel(), evaluate(commune.store, 2025).results),
        (TextTableModel(("A", "B")), [("một", "hai"), ("ba", "bốn")]),
        (UnitTableModel(), setup_units("37")[:30]),
    ]
    for model, rows in models:
        qtmodeltester.check(model)
        model.set_rows(rows)
        assert model.rowCount() == len(rows) > 0
        qtmodeltester.check(model)
