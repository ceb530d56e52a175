"""A province database with twenty years of values (2006–2025), opened by the real window (offscreen).

Ninh Bình (37), two-tier: all 129 communes, each with a commune library, a culture-and-sports centre and
two or three village cultural houses (≈ 580 institutions, ≈ 74,000 current values). The history of 126
communes was typed in at the province from the communes' archived paper sheets (`entry.set_values` with a
reason, as a province may); three communes run their own installation, are enrolled at the province, and
their 2006–2024 history arrived as signed bundles. Their 2025 report and its corrections (24 snapshot
bundles) are the batch the province imports — and cancels — here.

Figures come from scripts/benchdata.py (seeded: a base, growth, noise, a few institution-years never
reported). Everything is written through the services and the sync API, the province's history in one outer
transaction (each save its own savepoint) so that the build takes seconds, not minutes of fsyncs. The
database is built once for the file and copied for each test.
"""

from __future__ import annotations

import random
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from rel_support import integrity, record

from lhtl_desktop.model.catalogue import indicators_for_type
from lhtl_desktop.model.institutions import Institution
from lhtl_desktop.model.targets import Status
from lhtl_desktop.reference.units import load_province
from lhtl_desktop.services import entry, installation
from lhtl_desktop.services.evaluation import Evaluation, evaluate
from lhtl_desktop.services.institutions import add_institution, add_village_houses
from lhtl_desktop.storage import Store, open_store
from lhtl_desktop.sync import enrolment, exporter, importer
from lhtl_desktop.sync.keys import generate_key
from lhtl_desktop.ui.app import WindowStart, create_application
from lhtl_desktop.ui.dashboard_page import DashboardPage
from lhtl_desktop.ui.entry_page import EntryPage
from lhtl_desktop.ui.look import fmt_int, fmt_percent
from lhtl_desktop.ui.main_window import MainWindow
from lhtl_desktop.ui.sync_page import SyncPage

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import benchdata  # noqa: E402  (scripts/benchdata.py: the seeded commune data of `make bench`)

pytestmark = pytest.mark.slow

PROVINCE = "37"  # Ninh Bình
YEARS = tuple(range(2006, 2026))
OWN_INSTALLATIONS = 3  # communes with an installation of their own; their data arrives in bundles
ROUNDS = 8  # the 2025 report, then seven corrections: 3 × 8 = 24 bundles in the batch
HOLD_AT = 10  # the window's import is held before its 11th file until «Hủy» is pressed
SWEEP = (0, 1, 12, 23)  # cancelled before file k, at the service level
ARCHIVE = "Nhập lại từ biểu giấy lưu trữ của xã"
SEED = 2006


@dataclass(frozen=True)
class Province:
    template: Path  # the province database (closed, checkpointed)
    batch: list[Path]  # the 24 bundles of the three communes, in the order they were written
    values_by_year: dict[int, int]  # current values per year the build wrote (or imported)
    village_houses: int
    own: tuple[str, ...]  # unit codes of the communes with their own installation
    final_2025: dict[str, dict[str, int]]  # their institutions' 2025 values after the last correction
    build_seconds: float


def _institutions(store: Store, unit_code: str, unit_name: str, rng: random.Random) -> list[Institution]:
    ward = unit_name.startswith("Phường")
    level = "phường" if ward else "xã"
    short = unit_name.split(" ", 1)[1]
    insts = [add_institution(store, unit_code, "lib_commune", f"Thư viện {level} {short}"),
             add_institution(store, unit_code, "cc_commune", f"Trung tâm Văn hóa – Thể thao {level} {short}")]
    return insts + add_village_houses(store, unit_code, benchdata.village_names(rng, rng.randint(2, 3), ward))


def _history(store: Store, insts: list[Institution], years: tuple[int, ...], rng: random.Random,
             counts: dict[int, int], why: str | None = None) -> None:
    for inst in insts:
        codes = [i.code for i in indicators_for_type(inst.type)]
        for year, values in sorted(benchdata.yearly_values(rng, codes, years).items()):
            entry.set_values(store, inst.id, str(year), values, why)
            counts[year] = counts.get(year, 0) + len(values)


def _values_2025(rng: random.Random, inst: Institution) -> dict[str, int]:
    codes = [i.code for i in indicators_for_type(inst.type)]
    return benchdata.yearly_values(rng, codes, (2025,), missing_share=0)[2025]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    started = time.perf_counter()
    tmp = tmp_path_factory.mktemp("twenty")
    rng = random.Random(SEED)
    ref = load_province(PROVINCE)
    counts: dict[int, int] = {}
    houses = 0

    # Three communes with their own installation: 2006–2024 entered there, exported to the province.
    communes: list[tuple[Store, list[Institution]]] = []
    enrolments: list[tuple[Path, str]] = []
    first_bundles: list[Path] = []
    for unit in ref.communes[:OWN_INSTALLATIONS]:
        store = open_store(tmp / f"{unit.code}.sqlite3")
        installation.init_installation(store, unit.code, "Trần Thị Bình", generate_key(None))
        with store.atomic():
            insts = _institutions(store, unit.code, unit.name, rng)
            _history(store, insts, YEARS[:-1], rng, counts)
        houses += sum(1 for i in insts if i.type == "village_house")
        enrolments.append((enrolment.export_enrolment(store, tmp), enrolment.own_key_info(store).fingerprint))
        first_bundles.append(exporter.export_bundle(store, tmp / f"{unit.code}-00.lhtl", to_unit=PROVINCE).path)
        communes.append((store, insts))

    # The province: two-tier, the three keys enrolled, 126 communes' twenty years typed in from paper.
    path = tmp / "province.sqlite3"
    store = open_store(path)
    installation.init_installation(store, PROVINCE, "Nguyễn Thị Hương", generate_key(None))
    installation.set_two_tier(store, True)
    for file, fingerprint in enrolments:
        enrolment.enrol_key(store, file, fingerprint)
    with store.atomic():
        for unit in ref.communes[OWN_INSTALLATIONS:]:
            insts = _institutions(store, unit.code, unit.name, rng)
            houses += sum(1 for i in insts if i.type == "village_house")
            _history(store, insts, YEARS, rng, counts, why=ARCHIVE)
    results = importer.import_files(store, first_bundles, backup=False)
    assert [r.status for r in results] == [importer.ACCEPTED] * OWN_INSTALLATIONS, [r.reason for r in results]
    institutions = len(store.institutions())
    store.close()

    # The batch: each commune's 2025 report, then corrections (one institution at a time), each exported.
    batch: list[Path] = []
    for n in range(ROUNDS):
        for k, (commune, insts) in enumerate(communes):
            for inst in insts if n == 0 else [insts[(n + k) % len(insts)]]:
                entry.set_values(commune, inst.id, "2025", _values_2025(rng, inst))
            code = str(commune.get_meta("unit_code"))
            batch.append(exporter.export_bundle(commune, tmp / f"{code}-{n + 1:02}.lhtl", to_unit=PROVINCE).path)
    final = {inst.id: {code: cv.value for code, cv in entry.current_values(commune, inst.id, "2025").items()
                       if cv.value is not None}
             for commune, insts in communes for inst in insts}
    for commune, _insts in communes:
        commune.close()
    seconds = time.perf_counter() - started
    print(f"\n20-year province database built in {seconds:.1f} s: {institutions} institutions, "
          f"{sum(counts.values())} values, {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
    return Province(path, batch, counts, houses, tuple(u.code for u in ref.communes[:OWN_INSTALLATIONS]),
                    final, seconds)


# -- helpers ----------------------------------------------------------------------------------------------
@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    return create_application(["lhtl"])


@pytest.fixture
def db(province: Province, tmp_path: Path) -> Path:
    dest = tmp_path / "lhtl.sqlite3"
    shutil.copyfile(province.template, dest)
    return dest


@pytest.fixture
def start(app: QApplication, qtbot, db: Path):  # type: ignore[no-untyped-def]
    """The window as `main.py` opens it on the copy, drawn, its start-up check passed (writes allowed)."""
    window_start = WindowStart(app, db)
    window_start.show_error = lambda text: pytest.fail(f"unexpected error dialog: {text}")
    assert window_start.open()
    ops = window_start.ops()
    assert ops is not None and isinstance(window_start.window, MainWindow)
    qtbot.waitUntil(lambda: ops.check_passed is True, timeout=60_000)
    yield window_start
    window_start._close()  # noqa: SLF001 — closes the window (after its background work) and the store


def commit_text(widget: QWidget, text: str) -> None:
    """What an input method (Unikey) does: commit a composed string (replaces the selection)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def press(widget: QWidget, key: Qt.Key) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def focus(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def drop(page: SyncPage, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    page.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier))


def assert_dashboard_shows(page: DashboardPage, expected: Evaluation) -> None:
    """The table, row by row, and the lists behind the village-house target, against `evaluate()`."""
    assert page.evaluation is not None and page.evaluation.year == expected.year
    assert page.evaluation.results == expected.results
    # «Ẩn chỉ tiêu không áp dụng» goes by the status of the numbers, before coverage (an unreported province
    # shows every target «incomplete», the not-applicable ones included).
    shown = [r for r in expected.results if (r.measured_status or r.status) != Status.NOT_APPLICABLE]
    assert [page.model.row_at(i).target for i in range(page.model.rowCount())] == [r.target for r in shown]
    for i, r in enumerate(shown):
        cells = [page.model.index(i, c).data() for c in range(page.model.columnCount())]
        assert (cells[0], cells[1], cells[2]) == (r.label, r.status.label, fmt_percent(r.value)), (r.target, cells)
        assert cells[5].startswith(f"{fmt_int(r.numerator)} / {fmt_int(r.denominator)}"), (r.target, cells)
    # The first line says whom the numbers count (coverage); the second names the scope and year.
    assert page.summary.text().startswith("Đã nộp 0/129 đơn vị")
    assert f"\n{expected.scope_name}, năm {expected.year} — " in page.summary.text()
    row = next(i for i, r in enumerate(shown) if r.target == "CC_VILLAGE_ACTIVE")
    page.table.selectRow(row)
    r = shown[row]
    assert [page.lists[k].rowCount() for k in ("missing", "not_meeting", "meeting")] == \
        [len(r.missing), len(r.not_meeting), len(r.meeting)]
    assert page.tabs.tabText(0) == f"Thiếu số liệu ({len(r.missing)})"


def assert_form_shows(page: EntryPage, store: Store, inst: Institution, period: str) -> None:
    """Every field holds the value in the database, and «Năm trước» the previous year's."""
    assert page.form_data is not None and page.form_data.institution.id == inst.id
    assert page.form_data.period == period
    form = page.current_form()
    assert form is not None
    current = entry.current_values(store, inst.id, period)
    previous = entry.current_values(store, inst.id, str(int(period) - 1))
    for code, row in form.rows.items():
        value = current[code].value if code in current else None
        assert row.edit.text() == ("" if value is None else str(value)), (inst.name, period, code)
        before = previous[code].value if code in previous else None
        assert row.previous.text() == f"Năm trước: {fmt_int(before)}", (inst.name, period, code)


# -- the tests --------------------------------------------------------------------------------------------
def test_window_opens_on_twenty_years_and_the_dashboard_shows_evaluate(  # type: ignore[no-untyped-def]
        province: Province, start: WindowStart, qtbot) -> None:
    store, window = start.store, start.window
    assert store is not None and isinstance(window, MainWindow)
    units = installation.subtree(store, PROVINCE)
    levels = [u.level for c in units if (u := store.unit(c)) is not None]
    assert levels.count("commune") == 129  # every commune of Ninh Bình, under the province
    assert {y: len(store.records_for(units, [str(y)])) for y in YEARS} == province.values_by_year

    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage) and window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.evaluation is not None and not page.loading, timeout=60_000)  # after first paint
    evaluations = {}
    for year in (2025, 2010):
        page.set_year(year)
        evaluations[year] = evaluate(store, year)
        assert_dashboard_shows(page, evaluations[year])

    # The numbers are the province's, and differ between the years (a stale year would show).
    for year, ev in evaluations.items():
        village = next(r for r in ev.results if r.target == "CC_VILLAGE_ACTIVE")
        assert village.denominator == province.village_houses, year
        assert village.numerator is not None and 0 < village.numerator < village.denominator, year
    growth = {y: next(r for r in ev.results if r.target == "LIB_VISITS_GROWTH") for y, ev in evaluations.items()}
    assert growth[2025].numerator != growth[2010].numerator
    # 2025 of the three communes with their own installation has not arrived yet: listed as missing.
    centres = next(r for r in evaluations[2025].results if r.target == "CC_COMMUNE_ACTIVE")
    missing_units = {evaluations[2025].institutions[i].unit_code for i in centres.missing}
    assert set(province.own) <= missing_units


def test_entry_page_switches_institution_and_saves_on_twenty_years(  # type: ignore[no-untyped-def]
        province: Province, start: WindowStart, qtbot) -> None:
    store, window = start.store, start.window
    assert store is not None and isinstance(window, MainWindow)
    page = window.show_page("entry")
    assert isinstance(page, EntryPage)
    page.set_period("2025")
    typed_in = [i for i in store.institutions() if i.unit_code not in province.own]

    def complete(inst: Institution) -> bool:  # reported in 2024 and 2025 (a few institution-years are not)
        n = len(indicators_for_type(inst.type))
        return all(len(entry.current_values(store, inst.id, y)) == n for y in ("2024", "2025"))

    house = next(i for i in typed_in if i.type == "village_house" and complete(i))
    library = next(i for i in typed_in if i.type == "lib_commune" and i.unit_code != house.unit_code and complete(i))
    assert page.list_model.rowCount() == len(store.institutions())

    page.select_institution(house.id)
    assert_form_shows(page, store, house, "2025")
    assert page.reason.isVisibleTo(page)  # a commune's institution: the province gives a reason
    page.select_institution(library.id)
    assert_form_shows(page, store, library, "2025")

    code = "LIB_READING_EVENTS"
    old = entry.current_values(store, library.id, "2025")[code]
    new = old.value + 7  # type: ignore[operator]
    row = page.current_form().rows[code]  # type: ignore[union-attr]
    focus(qtbot, row.edit)
    row.edit.selectAll()
    commit_text(row.edit, str(new))
    press(row.edit, Qt.Key.Key_Tab)  # no reason yet: refused in place, nothing written
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=30_000)  # the writer has answered
    assert "lý do" in row.message.text()
    assert store.records_for_key(library.id, "2025", code) == [old.record]

    focus(qtbot, page.reason)
    commit_text(page.reason, "Bổ sung theo báo cáo của xã ngày 15/01/2026")
    focus(qtbot, row.edit)  # leaving the reason box saves the figure refused for want of it
    qtbot.waitUntil(lambda: not window.ctx.ops.busy, timeout=30_000)
    saved = entry.current_values(store, library.id, "2025")[code]
    assert (saved.value, saved.record.reason, saved.record.author_unit) == (
        new, "Bổ sung theo báo cáo của xã ngày 15/01/2026", PROVINCE)
    assert [r.value for r in store.records_in_history(library.id, "2025", code)] == [old.value]
    assert page.status.text().startswith("Đã lưu lúc ")

    page.set_period("2010")  # an early year of the same database
    page.select_institution(house.id)
    assert_form_shows(page, store, house, "2010")


def test_cancel_at_any_point_leaves_twenty_years_as_they_were(province: Province, db: Path) -> None:
    store = open_store(db)
    lost = 0
    try:
        before = store.dump()
        for k in SWEEP:
            asked = 0

            def cancel(k: int = k) -> bool:
                nonlocal asked
                asked += 1
                return asked > k

            with pytest.raises(importer.ImportCancelled) as exc:
                importer.import_files(store, province.batch, cancel=cancel)
            assert f"sau {k}/{len(province.batch)} tệp" in exc.value.message
            lost += store.dump() != before or integrity(db) != "ok"
    finally:
        store.close()
    record("twenty-years-cancel-sweep",
           f"batch of {len(province.batch)} bundles into a 20-year province database (129 communes), cancelled "
           f"before file k (k = {', '.join(map(str, SWEEP))})",
           "import_files with cancel() saying yes at its (k+1)-th question; store.dump() and integrity_check "
           "after each", len(SWEEP), lost)
    assert lost == 0


def test_window_cancel_of_a_batch_into_twenty_years_restores_it(  # type: ignore[no-untyped-def]
        province: Province, start: WindowStart, qtbot, monkeypatch, db: Path) -> None:
    store, window = start.store, start.window
    assert store is not None and isinstance(window, MainWindow)
    page = window.show_page("sync")
    assert isinstance(page, SyncPage)
    batch = province.batch
    drop(page, batch)
    assert page.files.count() == len(batch)
    before = store.dump()

    # The worker imports for real; before its 11th file it waits until «Hủy» is pressed (an officer's
    # reaction time, made certain), so the press lands part-way through the batch on any machine.
    reached, released = threading.Event(), threading.Event()
    calls: list[float] = []
    real_import_bytes = importer.import_bytes

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(time.perf_counter())
        if len(calls) == HOLD_AT + 1:
            reached.set()
            released.wait(120)
        return real_import_bytes(*args, **kwargs)

    monkeypatch.setattr(importer, "import_bytes", held)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    clicked_at = time.perf_counter()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog, _control = page.import_task
    dialog.canceled.connect(released.set)
    qtbot.waitUntil(reached.is_set, timeout=120_000)
    work = [t for t in ticks if clicked_at < t < calls[HOLD_AT]]  # backup + 10 imports on the worker
    assert len(work) >= 3, (len(work), calls[HOLD_AT] - clicked_at)  # the UI thread kept handling events
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.value() == HOLD_AT, timeout=10_000)  # progress shown
    assert dialog.maximum() == len(batch)
    assert batch[HOLD_AT].name in dialog.labelText()  # the file being imported is named
    button = dialog.findChild(QPushButton)
    assert button is not None and button.text() == "Hủy"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Đã hủy nhập" in page.result_summary.text(), timeout=120_000)
    timer.stop()
    assert page.result_summary.text() == (
        f"Đã hủy nhập sau {HOLD_AT + 1}/{len(batch)} tệp; cơ sở dữ liệu giữ nguyên như trước khi nhập.")
    same = store.dump() == before
    ok = integrity(db) == "ok"
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    print(f"\nwindow import: {len(ticks)} timer ticks, longest gap {max(gaps) * 1000:.0f} ms, "
          f"{len(work)} ticks during backup + {HOLD_AT} imports ({(calls[HOLD_AT] - clicked_at) * 1000:.0f} ms)",
          file=sys.stderr)
    record("twenty-years-cancel-window",
           f"batch of {len(batch)} bundles into a 20-year province database, «Hủy» pressed in the window's "
           f"progress dialog at file {HOLD_AT + 1}",
           "real window (offscreen), the worker held before that file until the button is pressed; store.dump() "
           "and integrity_check before/after; QTimer ticks while the worker backs up and imports", 1,
           0 if same and ok else 1)
    assert same and ok

    # The files stay listed; imported now, every one is accepted and the communes' 2025 report is in.
    assert page.files.count() == len(batch)
    page.last_results = []
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.last_results) == len(batch), timeout=120_000)
    assert [r.status for r in page.last_results] == [importer.ACCEPTED] * len(batch)
    for inst_id, values in province.final_2025.items():
        got = {code: cv.value for code, cv in entry.current_values(store, inst_id, "2025").items()}
        assert got == values, inst_id
