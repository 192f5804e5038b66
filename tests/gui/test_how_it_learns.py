"""The "How it learns" tab: the formulas follow the settings, every formula
typesets, the live numbers are those of the model, and the tab lives in the
window."""

from __future__ import annotations

import itertools
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, LogisticRegression, NeuralNetwork
from algorithms.inspect import training_terms
from gui.views._explain import (ACTIVATION_FORMULAS, Code, Formula, ModelFacts, Note, explain, model_facts)
from gui.views.frame import DataContext, FrameComputer

from .conftest import TIMEOUT_MS


def facts(**changes) -> ModelFacts:
    base = dict(kind="network", layer_sizes=(2, 16, 16, 1), activation="tanh", loss="sigmoid_ce",
                optimizer="sgd", learning_rate=0.01, l2=0.0, l1=0.0, batch_size=None, normalize=True)
    base.update(changes)
    return ModelFacts(**base)


def shown(model_facts_: ModelFacts) -> str:
    """Every formula, code line and note of the panel, as one text."""
    parts = []
    for section in explain(model_facts_):
        parts.append(section.title)
        for item in section.items:
            if isinstance(item, Formula):
                parts += [item.tex, item.comment]
            elif isinstance(item, Code):
                parts += item.lines
            else:
                parts += [item.title, item.text]
    return "\n".join(parts)


# -- the formulas follow the settings -----------------------------------------------------------
# settings -> what must be shown, and what must not
TABLE = [
    (dict(loss="sigmoid_ce"), [r"\log p_i + (1-y_i)\log(1-p_i)", "dZ3 = (P - Y) / n", "P = 1 / (1 + np.exp(-Z3))"],
     ["softmax over", "E.sum(axis=1", "Y_hat"]),
    (dict(loss="softmax_ce", layer_sizes=(2, 16, 16, 3)),
     [r"\sum_{c} Y_{ic}\log P_{ic}", "softmax over the 3 classes", "P = E / E.sum(axis=1, keepdims=True)",
      "(n, 16) · (16, 3) → (n, 3)"], ["(1-y_i)"]),
    (dict(loss="mse", layer_sizes=(2, 8, 1)), [r"\|\hat{Y}_i - Y_i\|^2", "dZ2 = 2 * (Y_hat - Y) / n",
                                                "standardised targets"], [r"\log"]),
    (dict(activation="relu"), [r"\mathrm{relu}(z) = \max(0,\ z)", "A1 = np.maximum(0, Z1)", "(Z1 > 0)"],
     ["np.tanh"]),
    (dict(activation="tanh"), [r"\tanh(z)", "A1 = np.tanh(Z1)", "(1 - A1 ** 2)"], ["np.maximum"]),
    (dict(activation="sigmoid"), [r"\sigma(z) = \dfrac{1}{1+e^{-z}}", "A1 * (1 - A1)"], ["np.tanh"]),
    (dict(activation="leaky_relu"), ["0.01", "np.where(Z1 > 0, 1, 0.01)"], ["np.tanh"]),
    (dict(optimizer="sgd"), [r"\theta \leftarrow \theta - \eta\,\nabla", "theta -= lr * grad",
                             "plain gradient descent"], ["beta", "m_hat"]),
    (dict(optimizer="momentum"), [r"v \leftarrow \beta\,v", "v = beta * v + grad", "theta -= lr * v"],
     ["m_hat"]),
    (dict(optimizer="adam"), [r"\hat{m} = \dfrac{m}{1-\beta_1^{\,t}}", "v_hat = v / (1 - b2 ** t)",
                              "np.sqrt(v_hat) + eps", "Adam"], ["v = beta * v"]),
    (dict(l2=1e-3), [r"\dfrac{\lambda_2}{2}", "+ l2 * W3", "What L2 does"], [r"\lambda_1", "What L1 does"]),
    (dict(l1=1e-3), [r"\lambda_1\,\sum_l \|W^{[l]}\|_1", r"\mathrm{sign}(w)", "np.abs(W1)", "What L1 does"],
     [r"\lambda_2", "+ l2 *", "What L2 does"]),
    (dict(l2=0.0, l1=0.0), [], [r"\lambda", "What L1", "What L2"]),
    (dict(batch_size=32), ["after every mini-batch of 32 rows"], ["once per epoch"]),
    (dict(normalize=False), ["Inputs are not normalised"], ["Why the inputs are normalised"]),
    (dict(kind="logistic", layer_sizes=(2, 1), activation="linear"),
     [r"p = \sigma(z)", "dz = (p - y) / n", "dw = X.T @ dz", "(n, 2) · (2, 1) → (n, 1)", "Why the output error"],
     ["backpropagation", "W2"]),
    (dict(kind="linear", layer_sizes=(3, 1), activation="linear", loss="mse"),
     [r"\hat{y} = X\,w + b", "dw = 2 / n * X.T @ (y_hat - y)", "(n, 3) · (3, 1) → (n, 1)"],
     [r"\log", "Why the output error"]),
    (dict(kind="linear", layer_sizes=(3, 2), activation="linear", loss="mse"),
     [r"\dfrac{1}{n\,k}", "2 / (n * k)"], []),
]


@pytest.mark.parametrize("changes, present, absent", TABLE, ids=[str(row[0]) for row in TABLE])
def test_formulas_follow_the_settings(changes, present, absent):
    text = shown(facts(**changes))
    for expected in present:
        assert expected in text, expected
    for unexpected in absent:
        assert unexpected not in text, unexpected


def test_forward_pass_has_one_line_per_layer_with_its_shapes():
    text = shown(facts(layer_sizes=(2, 16, 8, 4, 1)))
    for line in ("(n, 2) · (2, 16) → (n, 16)", "(n, 16) · (16, 8) → (n, 8)", "(n, 8) · (8, 4) → (n, 4)",
                 "(n, 4) · (4, 1) → (n, 1)", "dW4 = A3.T @ dZ4", "dZ1 = (dZ2 @ W2.T) * (1 - A1 ** 2)",
                 "dW1 = X.T @ dZ1"):
        assert line in text, line


@pytest.mark.parametrize("model, X, y, expected", [
    (NeuralNetwork(hidden_layers=(5,), activation="relu", optimizer="momentum", l2=0.01, l1=0.002, batch_size=16,
                   random_state=0, max_epochs=2), "moons", None,
     ModelFacts("network", (2, 5, 1), "relu", "sigmoid_ce", "momentum", 0.01, 0.01, 0.002, 16, True)),
    (NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=2), "spiral3", None,
     ModelFacts("network", (2, 4, 3), "tanh", "softmax_ce", "adam", 0.01, 1e-4, 0.0, None, True)),
    (NeuralNetwork(hidden_layers=(), task="regression", random_state=0, max_epochs=2), "plane", None,
     ModelFacts("network", (2, 1), "tanh", "mse", "adam", 0.01, 1e-4, 0.0, None, True)),
    (LogisticRegression(max_epochs=2), "moons", None,
     ModelFacts("logistic", (2, 1), "linear", "sigmoid_ce", "sgd", 0.1, 1e-4, 0.0, None, True)),
    (LinearRegression(max_epochs=2, l1=0.5), "plane", None,
     ModelFacts("linear", (2, 1), "linear", "mse", "sgd", 0.1, 0.0, 0.5, None, True)),
])
def test_model_facts_read_from_a_fitted_model(model, X, y, expected):
    data = {"moons": lambda: datasets.make("moons", n_samples=60, random_state=0),
            "spiral3": lambda: datasets.make("spiral", n_samples=60, random_state=0, n_classes=3),
            "plane": lambda: datasets.make("plane", n_samples=60, random_state=0)}[X]()
    model.fit(data.X, data.y)
    assert model_facts(model.snapshot(dtype=np.float32)) == expected


def all_facts():
    for activation, optimizer, loss, penalties in itertools.product(
            ACTIVATION_FORMULAS, ("sgd", "momentum", "adam"), ("sigmoid_ce", "softmax_ce", "mse"),
            ((0.0, 0.0), (1e-3, 1e-3))):
        yield facts(activation=activation, optimizer=optimizer, loss=loss, l2=penalties[0], l1=penalties[1],
                    layer_sizes=(2, 16, 3 if loss == "softmax_ce" else 1))
    yield facts(normalize=False)
    for kind, loss in (("logistic", "sigmoid_ce"), ("linear", "mse")):
        for k in (1, 2):
            yield facts(kind=kind, loss=loss, activation="linear", layer_sizes=(2, k), l1=1e-3,
                        l2=1e-3 if kind == "logistic" else 0.0)


def test_every_formula_typesets_and_every_note_is_sentences(qapp):
    from gui.views._mathtext import formula_image

    formulas, notes = set(), set()
    for item in (item for f in all_facts() for section in explain(f) for item in section.items):
        if isinstance(item, Formula):
            formulas.add(item.tex)
        elif isinstance(item, Note):
            notes.add(item)
    for tex in sorted(formulas):
        image = formula_image(tex)
        assert not image.isNull() and image.width() > 20 and image.height() > 10, tex
    assert len(notes) == 6
    for note in notes:
        assert note.text.count(". ") >= 1 and note.text.endswith(".") and len(note.text) < 600


# -- the live numbers ----------------------------------------------------------------------------
@pytest.fixture
def spiral3():
    return datasets.make("spiral", n_samples=120, noise=0.1, random_state=0, n_classes=3)


def make_view(qtbot, dataset, val_mask):
    from gui.views.how_it_learns import HowItLearns

    view = HowItLearns()
    qtbot.addWidget(view.widget)
    view.widget.resize(460, 600)
    view.widget.show()
    qtbot.waitExposed(view.widget)
    view.set_data(DataContext(dataset, (0, 1), val_mask))
    return view


def frame_of(view, dataset, model):
    computer = FrameComputer()
    computer.set_data(dataset.X, dataset.y, None)
    computer.set_specs({view.view_id: view.spec()})
    return computer.compute(model)[view.view_id]


def test_live_numbers_are_the_models_loss_terms_and_norms(qtbot, spiral3):
    from gui.views._learn_panel import number_text

    val_mask = np.zeros(spiral3.n_samples, dtype=bool)
    val_mask[::5] = True
    model = NeuralNetwork(hidden_layers=(8, 6), l2=0.01, l1=0.001, random_state=0, max_epochs=30)
    model.fit(spiral3.X[~val_mask], spiral3.y[~val_mask])
    view = make_view(qtbot, spiral3, val_mask)
    view.epoch = 30
    snapshot = model.snapshot(dtype=np.float32)
    view.show_frame(frame_of(view, spiral3, snapshot))

    # computed here, from the model, on the training rows only
    expected = training_terms(model, spiral3.X[~val_mask], spiral3.y[~val_mask])
    panel = view.widget
    shown = {key: float(label.text()) for key, label in panel.loss_labels.items()}
    assert shown["data"] == pytest.approx(expected.data_loss, rel=1e-3)
    assert shown["l2"] == pytest.approx(expected.l2_term, rel=1e-3)
    assert shown["l1"] == pytest.approx(expected.l1_term, rel=1e-3)
    assert shown["total"] == pytest.approx(expected.total, rel=1e-3)
    assert expected.l2_term > 0 and expected.l1_term > 0
    assert len(panel.layer_rows) == 3
    for row, gradient, parameters in zip(panel.layer_rows, expected.gradient_norms, expected.parameter_norms):
        assert float(row["grad_w"].text()) == pytest.approx(gradient.weights, rel=2e-3)
        assert float(row["grad_b"].text()) == pytest.approx(gradient.biases, rel=2e-3, abs=1e-6)
        assert float(row["weights"].text()) == pytest.approx(parameters.weights, rel=1e-3)
        assert row["step"].text() == "—"  # one frame: no step yet
    assert panel.rate_label.text() == number_text(0.01)
    assert "96 training rows" in panel.rows_label.text()  # 120 rows less the 24 held out

    # one more epoch: the step size per layer, ||θ_31 − θ_30|| / ||θ_31||
    before = [np.concatenate([w.ravel(), b]) for w, b in zip(model.coefs_, model.intercepts_)]
    model.set_params(max_epochs=31)
    trainer_rows = spiral3.X[~val_mask], spiral3.y[~val_mask]
    model.partial_fit(*trainer_rows)
    after = [np.concatenate([w.ravel(), b]) for w, b in zip(model.coefs_, model.intercepts_)]
    view.epoch = 31
    view.show_frame(frame_of(view, spiral3, model.snapshot(dtype=np.float32)))
    for row, old, new in zip(panel.layer_rows, before, after):
        expected_step = np.linalg.norm(new - old) / np.linalg.norm(new)
        assert expected_step > 0
        assert float(row["step"].text()) == pytest.approx(expected_step, rel=2e-2)
    assert "step of 1 epoch" in panel.rows_label.text()

    # three epochs later: the mean step per epoch over those three
    for _ in range(3):
        model.partial_fit(*trainer_rows)
    later = [np.concatenate([w.ravel(), b]) for w, b in zip(model.coefs_, model.intercepts_)]
    view.epoch = 34
    view.show_frame(frame_of(view, spiral3, model.snapshot(dtype=np.float32)))
    for row, old, new in zip(panel.layer_rows, after, later):
        assert float(row["step"].text()) == pytest.approx(np.linalg.norm(new - old) / 3 / np.linalg.norm(new),
                                                          rel=2e-2)
    assert "mean of 3 epochs" in panel.rows_label.text()

    view.new_run()
    assert all(label.text() == "—" for label in panel.loss_labels.values())


def test_linear_regression_numbers_and_formulas(qtbot):
    data = datasets.make("plane", n_samples=80, noise=0.1, random_state=0)
    model = LinearRegression(l1=0.01, max_epochs=5).fit(data.X, data.y)
    view = make_view(qtbot, data, np.zeros(data.n_samples, dtype=bool))
    view.epoch = 5
    view.show_frame(frame_of(view, data, model.snapshot()))
    expected = training_terms(model, data.X, data.y)
    panel = view.widget
    assert float(panel.loss_labels["data"].text()) == pytest.approx(expected.data_loss, rel=1e-3)
    assert float(panel.loss_labels["l1"].text()) == pytest.approx(expected.l1_term, rel=1e-3)
    assert panel.loss_labels["l2"].text() == "0"
    texts = panel.formula_texts()
    assert r"\hat{y} = X\,w + b" in texts
    assert r"w \leftarrow \mathrm{sign}(w)\,\max(|w| - \eta\lambda_1,\ 0)" in texts
    plain = panel.browser.toPlainText()
    assert "y_hat = X @ w + b" in plain and "Why the inputs are normalised" in plain


def test_the_formulas_are_typeset_into_the_browser_when_visible(qtbot, spiral3):
    model = NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=2).fit(spiral3.X, spiral3.y)
    view = make_view(qtbot, spiral3, np.zeros(spiral3.n_samples, dtype=bool))
    view.widget.hide()
    view.show_frame(frame_of(view, spiral3, model.snapshot()))
    assert view.widget.formula_texts() == []  # hidden: nothing typeset yet
    view.widget.show()
    qtbot.waitUntil(lambda: view.widget.formula_texts() != [])
    image = view.widget.browser.grab().toImage()
    # dark formula and text pixels on the white page
    dark = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixelColor(x, y).lightness() < 120)
    assert dark > 200


# -- in the window -------------------------------------------------------------------------------
def learn_tab(window):
    tabs = window.side_tabs
    for index in range(tabs.count()):
        if tabs.tabText(index) == "How it learns":
            tabs.setCurrentIndex(index)
            return tabs.widget(index)
    raise AssertionError("no How it learns tab")


def step(qtbot, window):
    epoch = window.epoch
    window.step()
    qtbot.waitUntil(lambda: window.epoch > epoch, timeout=TIMEOUT_MS)


def test_the_tab_follows_the_model_in_the_window(qtbot, window):
    panel = learn_tab(window)
    step(qtbot, window)
    qtbot.waitUntil(lambda: panel.loss_labels["total"].text() != "—", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: panel.layer_rows and panel.layer_rows[0]["step"].text() != "—", timeout=TIMEOUT_MS)
    assert r"A^{[1]} = \tanh(Z^{[1]})" in panel.formula_texts()
    assert "240 training rows" in panel.rows_label.text()  # the worker's split: 60 of 300 held out

    # another activation: a new model, new formulas
    field = window.model_panel.form().fields["activation"]
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        field.combo.setCurrentIndex(field.combo.findText("relu"))
    step(qtbot, window)
    qtbot.waitUntil(lambda: r"A^{[1]} = \mathrm{relu}(Z^{[1]})" in panel.formula_texts(), timeout=TIMEOUT_MS)

    # L1 live: the number and the formula appear without a reset
    epoch = window.epoch
    window.model_panel.form().fields["l1"].set_value(0.01)
    window.model_panel.live_params_changed.emit({"l1": 0.01})
    step(qtbot, window)
    qtbot.waitUntil(lambda: panel.loss_labels["l1"].text() not in ("0", "—"), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: any(r"\lambda_1" in tex for tex in panel.formula_texts()), timeout=TIMEOUT_MS)
    assert window.epoch > epoch  # training went on
