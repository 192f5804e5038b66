"""Loading CSV files in the window: the import dialog (preview, roles,
choices, rows used), loading off the GUI thread with progress and Cancel,
failed loads that change nothing and say why in plain text, and Draw mode's
own Load/Save CSV."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import datasets
from datasets import csv_reader
from gui.draw import Tool, install_draw_mode
from gui.panels.csv_dialog import CsvImportDialog
from gui.panels.messages import show_error

from gui.panels.dataset_panel import dataset_title

from .conftest import TIMEOUT_MS
from .test_draw import click

PENGUINS = """species,island,bill_length_mm,flipper_length_mm,body_mass_g,sex,date
Adelie,Torgersen,39.1,181,3750,Male,2007-11-11
Adelie,Torgersen,NA,NA,NA,NA,2007-11-11
Adelie,Biscoe,37.8,174,3400,Female,2007-11-12
Chinstrap,Dream,46.5,192,3500,Female,2007-11-12
Chinstrap,Dream,50,196,3900,Male,2007-11-13
Gentoo,Biscoe,46.1,211,4500,Female,2007-11-13
Gentoo,Biscoe,50,230,5700,Male,2007-11-14
"""

CRAFTED = '<a href="x">click</a>'


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
    return str(path)


def open_file(monkeypatch, module, path):
    monkeypatch.setattr(f"{module}.QFileDialog.getOpenFileName", lambda *a, **k: (path, ""))


def wait_dialog(qtbot, loader) -> CsvImportDialog:
    qtbot.waitUntil(lambda: loader.import_dialog is not None and loader.import_dialog.isVisible(),
                    timeout=TIMEOUT_MS)
    return loader.import_dialog


def wait_error(qtbot, loader):
    qtbot.waitUntil(lambda: loader.error_box is not None and loader.error_box.isVisible(), timeout=TIMEOUT_MS)
    return loader.error_box


# ----------------------------------------------------------------- messages


def test_error_boxes_show_data_as_plain_text(qtbot):
    box = show_error(None, "Cannot load", f"line 2: {CRAFTED} is not a number")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == f"line 2: {CRAFTED} is not a number"
    assert box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    long = show_error(None, "Many", "x" * 10_000)
    qtbot.addWidget(long)
    assert len(long.text()) == 2_000 and long.text().endswith("…")


# ----------------------------------------------------------------- dialog


def test_dialog_previews_roles_choices_and_rows_used(qtbot, tmp_path):
    table = datasets.scan_csv(write(tmp_path, PENGUINS, "penguins.csv"))
    dialog = CsvImportDialog(table)
    qtbot.addWidget(dialog)
    preview = dialog.preview
    assert [preview.horizontalHeaderItem(j).text() for j in range(7)] == list(table.column_names)
    assert preview.item(1, 1).text() == "text · 3 values"
    assert preview.item(1, 6).text() == "date"
    assert preview.item(3, 2).text() == "NA" and preview.verticalHeaderItem(3).text() == "3"
    # the last column is the target by default; a column of dates cannot be: pick species
    assert [dialog.role(name) for name in table.column_names] == ["Feature"] * 6 + ["Target"]
    assert not dialog.ok_button.isEnabled()
    assert "holds dates" in dialog.problems_view.toPlainText()
    dialog.set_role("species", "Target")
    assert dialog.role("date") == "Ignore"  # the old target goes back to its default role
    assert dialog.choices() == {
        "target": "species", "task": None, "missing": "drop", "text": "onehot",
        "features": ["island", "bill_length_mm", "flipper_length_mm", "body_mass_g", "sex"],
    }
    assert dialog.ok_button.isEnabled()
    assert dialog.summary_label.text() == "Will use 6 of 7 rows (1 dropped) · 8 features · classification, 3 classes"
    assert "1 of 7 rows dropped for a missing value (line 3)" in dialog.notes_label.text()
    dialog.set_role("sex", "Ignore")
    dialog.set_role("island", "Ignore")
    assert dialog.summary_label.text() == "Will use 6 of 7 rows (1 dropped) · 3 features · classification, 3 classes"
    dialog.set_choice(missing="error")
    assert not dialog.ok_button.isEnabled()
    assert dialog.summary_label.text() == "Cannot load with these choices: 3 problems"
    assert dialog.problems_view.toPlainText().splitlines()[0] == (
        "line 3: column 'bill_length_mm': missing value ('NA'); missing='drop' leaves such rows out")
    dialog.set_choice(missing="drop")
    dialog.set_role("island", "Feature")
    dialog.set_choice(text="error")
    assert "column 'island': 'Torgersen' is not a number" in dialog.problems_view.toPlainText()
    dialog.set_choice(text="ignore")
    assert dialog.ok_button.isEnabled() and "column 'island' holds text" in dialog.notes_label.text()
    dialog.set_role("species", "Ignore")
    assert dialog.problems_view.toPlainText() == "Pick a target column: give one column the role Target."
    # cells are plain items, and labels plain text: nothing from the file is rendered as HTML
    assert dialog.summary_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.file_label.textFormat() == Qt.TextFormat.PlainText


# ----------------------------------------------------------------- the window


def test_load_csv_in_the_window_through_the_dialog(qtbot, window, monkeypatch, tmp_path):
    panel = window.dataset_panel
    loader = panel.csv_loader
    open_file(monkeypatch, "gui.panels.dataset_panel", write(tmp_path, PENGUINS, "penguins.csv"))
    before = window.dataset
    panel.load_button.click()
    dialog = wait_dialog(qtbot, loader)
    assert window.dataset is before  # nothing changes until the choices are made
    dialog.set_role("species", "Target")
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        dialog.ok_button.click()
    ds = window.dataset
    assert ds.name == "penguins" and ds.class_names == ("Adelie", "Chinstrap", "Gentoo")
    assert ds.n_samples == 6 and ds.n_features == 8
    assert ds.notes[0] == "1 of 7 rows dropped for a missing value (line 3)"
    # the window says what was dropped and left out
    summary = panel.summary.text().splitlines()
    assert summary[0] == "penguins · 6 samples · 8 features · 3 classes"
    assert "1 of 7 rows dropped for a missing value (line 3)" in summary
    assert "1 of 7 rows dropped for a missing value (line 3)." in window.statusBar().currentMessage()
    assert panel.source()[0] == "custom" and not panel.load_progress.isVisible()
    assert not loader.busy and panel.load_button.isEnabled()
    assert not panel.regenerate_button.isEnabled()

    # cancelling the dialog loads nothing
    panel.load_button.click()
    dialog = wait_dialog(qtbot, loader)
    with qtbot.waitSignal(loader.cancelled, timeout=TIMEOUT_MS):
        dialog.reject()
    assert window.dataset is ds and not loader.busy


def test_load_csv_without_the_dialog_and_its_options(qtbot, window, tmp_path):
    table = write(tmp_path, "height,group,weight\n1.5,0,60\n1.7,1,72.5\n1.6,0,65\n1.8,1,80\n1.55,0,58\n")
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        window.dataset_panel.load_csv(table, target="height", task="regression")
    assert window.dataset.task == "regression" and window.dataset.feature_names == ("group", "weight")
    np.testing.assert_allclose(window.dataset.y, [1.5, 1.7, 1.6, 1.8, 1.55])
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        window.dataset_panel.load_csv(table, target="group")
    assert window.dataset.class_names == ("0", "1")


def test_a_bad_file_changes_nothing_and_says_why_in_plain_text(qtbot, window, tmp_path):
    loader = window.dataset_panel.csv_loader
    before = window.dataset
    crafted = write(tmp_path, f"a,b,label\n1,{CRAFTED},x\n2,3,y\n,4,x\n", "crafted.csv")
    with qtbot.waitSignal(loader.failed, timeout=TIMEOUT_MS) as failed:
        window.dataset_panel.load_csv(crafted)
    box = wait_error(qtbot, loader)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert f"column 'b': '{CRAFTED}' is not a number" in box.text()
    assert "2 problems" in box.text() and "column 'a': missing value (empty field)" in box.text()
    assert failed.args[0] == box.text()
    assert window.dataset is before and window.dataset_panel.summary.text().startswith(dataset_title(before))
    box.close()


def test_values_too_large_to_show_are_refused_and_training_goes_on(qtbot, window, tmp_path):
    huge = write(tmp_path, "x1,x2,y\n1e308,-1e308,a\n-1e308,1e308,b\n0,0,a\n1,2,b\n", "huge.csv")
    before = window.dataset
    window.play()
    qtbot.waitUntil(lambda: window.epoch > 0, timeout=TIMEOUT_MS)
    generation = window._generation
    window.dataset_panel.load_csv(huge)
    qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(), timeout=TIMEOUT_MS)
    assert window.error_box.textFormat() == Qt.TextFormat.PlainText
    assert window.error_box.text() == ("column 'x1' holds values as large as 1e+308; the app draws and trains on "
                                       "values up to 1e+150 in size: rescale it")
    assert window.dataset is before and window.controller.is_running
    assert window.dataset_panel.summary.text().startswith(dataset_title(before))
    assert window.dataset_panel.source() == ("generator", before.name)
    epoch = window.epoch
    qtbot.waitUntil(lambda: window.epoch > epoch, timeout=TIMEOUT_MS)  # the old model trains on
    assert window._generation == generation
    with pytest.raises(ValueError, match="as large as 1e\\+308"):
        window.set_dataset(datasets.load_csv(huge))
    window.error_box.close()
    window.pause()


def test_a_table_with_too_many_classes_is_refused_and_the_data_kept(qtbot, window, tmp_path):
    rows = "\n".join(f"{i},{i % 3},c{i % 10}" for i in range(40))
    many = write(tmp_path, "u,v,label\n" + rows + "\n", "many.csv")
    before = window.dataset
    window.dataset_panel.load_csv(many)
    qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(), timeout=TIMEOUT_MS)
    assert "10 classes" in window.error_box.text()
    assert window.dataset is before
    assert window.dataset_panel.summary.text().startswith(dataset_title(before))
    assert window.dataset_panel.source() == ("generator", before.name)
    window.error_box.close()


@pytest.mark.timeout(60)
def test_a_fifo_is_refused_at_once(qtbot, window, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    loader = window.dataset_panel.csv_loader
    before = window.dataset
    window.dataset_panel.load_csv(str(fifo))
    assert "FIFO" in wait_error(qtbot, loader).text()
    assert window.dataset is before and not loader.busy


def test_cancel_stops_reading_and_leaves_everything_as_it_was(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr(csv_reader, "BLOCK_BYTES", 2048)  # many small blocks: slow enough to cancel
    rows = "".join(f"{k},{k * 0.5},{'ab'[k % 2]}\n" for k in range(200_000))
    big = write(tmp_path, "x1,x2,label\n" + rows, "big.csv")
    panel = window.dataset_panel
    loader = panel.csv_loader
    before = window.dataset
    chosen = []
    panel.dataset_chosen.connect(chosen.append)
    open_file(monkeypatch, "gui.panels.dataset_panel", big)
    panel.load_button.click()
    assert loader.state == "reading" and panel.load_progress.isVisible()
    assert not panel.load_button.isEnabled()
    qtbot.waitUntil(lambda: panel.load_progress.bar.value() > 0, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(loader.cancelled, timeout=TIMEOUT_MS):
        panel.load_progress.cancel_button.click()
    assert not loader.busy and not panel.load_progress.isVisible() and panel.load_button.isEnabled()
    assert loader.wait(TIMEOUT_MS)  # the worker stops at its next block
    QApplication.processEvents()  # anything it still sent is delivered now: it must be ignored
    assert loader.import_dialog is None and not chosen and window.dataset is before


# ----------------------------------------------------------------- Draw mode


@pytest.fixture
def drawing(make_window):
    window = make_window(datasets.make("moons", n_samples=60, noise=0.1, random_state=0))
    mode = install_draw_mode(window)
    mode.set_active(True)
    return window, mode


def test_draw_mode_save_and_load_round_trip(qtbot, drawing, tmp_path):
    window, mode = drawing
    drawn = window.dataset
    path = str(tmp_path / "drawn.csv")
    assert mode.toolbar.save_csv(path)
    mode.toolbar.new_action.trigger()
    assert window.dataset.n_samples == 0
    with qtbot.waitSignal(mode.toolbar.load_finished, timeout=TIMEOUT_MS) as finished:
        assert mode.toolbar.load_csv(path)
    assert finished.args == [True]
    loaded = window.dataset
    assert np.array_equal(loaded.X, drawn.X) and np.array_equal(loaded.y, drawn.y)
    assert loaded.class_names == drawn.class_names and mode.controller.dataset is loaded
    mode.controller.undo()  # the load is one undo step
    assert window.dataset.n_samples == 0


def test_draw_mode_load_with_nine_classes_says_why_and_drawing_goes_on(qtbot, drawing, tmp_path):
    window, mode = drawing
    rows = "\n".join(f"{i % 7},{i % 5},k{i % 9}" for i in range(45))
    nine = write(tmp_path, "x1,x2,kind\n" + rows + "\n", "nine.csv")
    before = window.dataset
    with qtbot.waitSignal(mode.toolbar.load_finished, timeout=TIMEOUT_MS) as finished:
        mode.toolbar.load_csv(nine)
    assert finished.args == [False]
    box = mode.toolbar.error_box
    assert box.isVisible() and box.textFormat() == Qt.TextFormat.PlainText
    assert "9 classes; the app shows at most 8" in box.text() and "nine.csv" in box.text()
    assert window.dataset is before and mode.controller.dataset is before
    box.close()
    # later clicks draw as before
    mode.controller.set_tool(Tool.PUT)
    click(window.current_data_view().plot_item, 0.5, 0.25)
    assert window.dataset.n_samples == before.n_samples + 1


def test_draw_mode_bad_file_and_missing_file(qtbot, drawing, tmp_path):
    window, mode = drawing
    before = window.dataset
    bad = write(tmp_path, f"x1,x2,label\n1,2,a\n3,{CRAFTED},b\n", "bad.csv")
    with qtbot.waitSignal(mode.toolbar.load_finished, timeout=TIMEOUT_MS):
        mode.toolbar.load_csv(bad)
    box = mode.toolbar.error_box
    assert "bad.csv" in box.text() and CRAFTED in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    with qtbot.waitSignal(mode.toolbar.load_finished, timeout=TIMEOUT_MS):
        mode.toolbar.load_csv(str(tmp_path / "missing.csv"))
    assert "cannot read the file" in mode.toolbar.error_box.text()
    assert window.dataset is before
    mode.toolbar.error_box.close()


def test_draw_mode_load_through_the_dialog(qtbot, drawing, monkeypatch, tmp_path):
    window, mode = drawing
    path = write(tmp_path, "a,b,c,label\n1,2,9,p\n3,4,9,q\n5,6,9,p\n", "three.csv")
    open_file(monkeypatch, "gui.draw.toolbar", path)
    mode.toolbar.load_action.trigger()
    dialog = wait_dialog(qtbot, mode.toolbar.csv_loader)
    dialog.set_role("c", "Ignore")
    with qtbot.waitSignal(mode.toolbar.load_finished, timeout=TIMEOUT_MS):
        dialog.ok_button.click()
    assert window.dataset.feature_names == ("a", "b") and window.dataset.class_names == ("p", "q")
    assert mode.controller.attached  # two features: drawable


def test_window_titles_and_banner_are_plain_text(window):
    assert window.view_title.textFormat() == Qt.TextFormat.PlainText
    assert window.banner.label.textFormat() == Qt.TextFormat.PlainText
    assert window.dataset_panel.error_label.textFormat() == Qt.TextFormat.PlainText
