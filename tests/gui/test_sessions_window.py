"""Sessions in the window: File ▸ Save session and Open session give back
the same run, bit for bit, and Play goes on with the very epoch the saved
window would have trained next."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

import datasets
from algorithms import NeuralNetwork
from algorithms.preprocessing import FeatureTransform
from sessions import read_session

from .conftest import TIMEOUT_MS
from .test_window import pause_and_settle, play_until


def save(qtbot, window, path) -> None:
    with qtbot.waitSignal(window.session_actions.finished, timeout=TIMEOUT_MS) as done:
        assert window.session_actions.save_session(str(path))
    assert done.args == ["save", str(path)]


def open_in(qtbot, make_window, path):
    """A new window that opens ``path`` and has shown its run."""
    window = make_window()
    with qtbot.waitSignal(window.session_actions.finished, timeout=TIMEOUT_MS):
        assert window.session_actions.open_session(str(path))
    qtbot.waitUntil(lambda: window._restoring is None, timeout=TIMEOUT_MS)
    return window


def theta(window) -> np.ndarray:
    return window.controller._worker.state.model._network.theta.copy()  # the worker is paused


def curves(window) -> dict:
    return {name: window.loss_view.data(name) for name in ("epoch", "loss", "val_loss", "score", "val_score")}


def step_once(qtbot, window) -> int:
    start = window.epoch
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == start + 1, timeout=TIMEOUT_MS)
    return window.epoch


@pytest.fixture
def trained(qtbot, make_window, request):
    """A window trained 40 epochs, in the precision ``request.param`` when
    parametrized indirectly (else the window's default, float32)."""
    dataset = datasets.make("moons", n_samples=200, noise=0.2, random_state=3)
    model = NeuralNetwork(hidden_layers=(8, 6), batch_size=32, learning_rate=0.03, random_state=4, max_epochs=100_000)
    window = make_window(dataset, model, FeatureTransform(features=("x1", "x2", "x1*x2")),
                         dtype=getattr(request, "param", None))
    # the options that made the data, as the command line's are shown (gui/app.py)
    window.dataset_panel.generator_options("moons").set_values({"n_samples": 200, "noise": 0.2, "random_state": 3})
    window.toolbar.set_speed(None)
    play_until(qtbot, window, 40)
    pause_and_settle(qtbot, window)
    return window


def test_a_saved_session_opens_bit_for_bit_and_trains_on_the_same(qtbot, make_window, trained, tmp_path):
    window = trained
    window.loss_view.set_log_scale(True)
    window.loss_view.add_mark(10, "lr 0.01→0.03")
    path = tmp_path / "run.mlfs"
    save(qtbot, window, path)
    saved_epoch = window.epoch
    assert read_session(path).epoch == saved_epoch

    opened = open_in(qtbot, make_window, path)
    assert opened.epoch == saved_epoch
    assert theta(opened).tobytes() == theta(window).tobytes()  # bit-identical weights
    before, after = curves(window), curves(opened)
    for name in before:
        assert before[name].tobytes() == after[name].tobytes(), name  # bit-identical history
    assert opened.loss_view.log_scale() and opened.loss_view.marks.marks == [(10.0, "lr 0.01→0.03")]
    assert opened.model_panel.build_transform() == FeatureTransform(features=("x1", "x2", "x1*x2"))
    assert opened.model_panel.params() == window.model_panel.params()
    assert opened.dataset_panel.source() == ("generator", "moons")
    assert opened.dataset_panel.generator_options().values()["noise"] == pytest.approx(0.2)

    # the same next epochs: Step both windows
    for _ in range(3):
        assert step_once(qtbot, window) == step_once(qtbot, opened)
        assert theta(opened).tobytes() == theta(window).tobytes()
    assert curves(opened)["loss"].tobytes() == curves(window)["loss"].tobytes()


def test_saving_while_playing_goes_on_playing(qtbot, trained, tmp_path):
    window = trained
    window.toolbar.play_action.trigger()
    assert window.controller.is_running
    path = tmp_path / "playing.mlfs"
    save(qtbot, window, path)
    session = read_session(path)
    assert window.controller.is_running  # Play went on after the file was written
    history_epochs = session.history.levels[0].x
    assert history_epochs[-1] == session.epoch  # the curves stop at the epoch the weights are from
    start = window.epoch
    qtbot.waitUntil(lambda: window.epoch > start + 5, timeout=TIMEOUT_MS)


def test_drawn_data_and_the_two_features_choice_come_back(qtbot, make_window, tmp_path):
    wine = datasets.load_builtin("wine")
    window = make_window(wine, NeuralNetwork(hidden_layers=(5,), random_state=0, max_epochs=100_000))
    window.dataset_panel.set_shown_features(2, 5)
    window.dataset_panel.two_features_check.setChecked(True)
    qtbot.waitUntil(lambda: window._trained is not window.dataset, timeout=TIMEOUT_MS)
    window.toolbar.set_speed(None)
    play_until(qtbot, window, 15)
    pause_and_settle(qtbot, window)
    path = tmp_path / "wine.mlfs"
    save(qtbot, window, path)
    session = read_session(path)
    assert session.recipe == {"kind": "builtin", "name": "wine"}
    assert session.view["two_features"] and session.view["shown_features"] == [2, 5]
    opened = open_in(qtbot, make_window, path)
    assert opened.dataset_panel.shown_features() == (2, 5)
    assert opened.dataset_panel.two_features_check.isChecked()
    assert theta(opened).tobytes() == theta(window).tobytes()
    assert step_once(qtbot, window) == step_once(qtbot, opened)
    assert theta(opened).tobytes() == theta(window).tobytes()


def test_a_bad_session_file_is_one_plain_error_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "bad.mlfs"
    bad.write_bytes(b"PK\x03\x04 not really")
    dataset_before, epoch_before = window.dataset, window.epoch
    with qtbot.waitSignal(window.session_actions.failed, timeout=TIMEOUT_MS) as failed:
        assert not window.session_actions.open_session(str(bad))
    assert failed.args[0].startswith("cannot open bad.mlfs: not a session file")
    box = window.session_actions.error_box
    assert isinstance(box, QMessageBox) and box.text() == failed.args[0]
    box.close()
    assert window.dataset is dataset_before and window.epoch == epoch_before


def test_the_file_menu_has_the_shortcuts(window):
    actions = window.session_actions
    assert actions.open_action.shortcut().toString() == "Ctrl+O"
    assert actions.save_action.shortcut().toString() == "Ctrl+S"
    titles = [action.text() for action in actions.menu.actions() if not action.isSeparator()]
    assert titles[:3] == ["&Open session…", "&Save session", "Save session &as…"]


@pytest.mark.parametrize("trained", ["float64", "float32"], indirect=True)
def test_export_as_python_from_the_window_reproduces_its_predictions_and_curves(qtbot, trained, tmp_path):
    import subprocess
    import sys

    window = trained
    path = tmp_path / "moons_model.py"
    with qtbot.waitSignal(window.session_actions.finished, timeout=TIMEOUT_MS) as done:
        assert window.session_actions.export_python(str(path))
    assert done.args == ["python", str(path)]
    model = window.controller._worker.state.model
    transform = window.controller._worker.state.transform
    points = np.random.default_rng(1).uniform(-2, 3, size=(200, 2))
    np.savetxt(tmp_path / "points.csv", points, delimiter=",", header="x1,x2", comments="")
    run = subprocess.run([sys.executable, "-I", str(path), "--predict", "points.csv", "--out", "out.csv", "--train",
                          "--epochs", str(window.epoch), "--loss-curve", "curve.csv"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    # --predict uses the weights just trained: the same as the window's, trained from the same seed.
    # The script computes in float64: a run the window trained in float32 agrees to float32's digits.
    tolerance = 1e-6 if window.model_panel.dtype == "float64" else 1e-4
    predicted = np.loadtxt(tmp_path / "out.csv", delimiter=",")
    np.testing.assert_allclose(predicted, model.predict_proba(transform.transform(points)), atol=tolerance)
    curve = np.loadtxt(tmp_path / "curve.csv", delimiter=",", skiprows=1)
    shown = curves(window)
    np.testing.assert_array_equal(curve[:, 0], shown["epoch"])
    for column, name in ((1, "loss"), (2, "val_loss"), (3, "score"), (4, "val_score")):
        np.testing.assert_allclose(curve[:, column], shown[name], rtol=tolerance, atol=1e-9, err_msg=name)


def test_export_model_from_the_window(qtbot, trained, tmp_path):
    import json

    window = trained
    with qtbot.waitSignal(window.session_actions.finished, timeout=TIMEOUT_MS):
        assert window.session_actions.export_model(str(tmp_path / "weights.npz"))
    model = window.controller._worker.state.model
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as weights:
        for layer, coefs in enumerate(model.coefs_):  # stored as float64 whatever the model computes in
            assert weights[f"coefs_{layer}"].tobytes() == coefs.astype(np.float64).tobytes()
    about = json.loads((tmp_path / "weights.json").read_text())
    assert about["epoch"] == window.epoch and about["inputs"] == ["x1", "x2", "x1*x2"]
