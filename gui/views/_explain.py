"""What the "How it learns" panel says: the formulas of one training step of
the model being trained, the NumPy lines that implement them, and short
notes where learners trip. Pure Python (no Qt, no matplotlib): the view
typesets the formulas (``_mathtext``) and lays the sections out.

Everything here follows :class:`ModelFacts`, read from the model snapshot
of the frame (:func:`model_facts`), so the formulas describe the model that
is training, not the form being edited. The notation is the textbook's,
sample-major as in the seed's notebooks: ``X`` is ``(n, d)``, layer ``l``
computes ``Z[l] = A[l-1] W[l] + b[l]`` with ``W[l]`` of shape
``(h[l-1], h[l])``. (The library stores the same numbers feature-major for
speed; see ``algorithms/network.py``.)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ModelFacts", "Formula", "Code", "Note", "Section", "model_facts", "explain"]


@dataclass(frozen=True)
class ModelFacts:
    """What decides the formulas of a training step.

    kind : "linear", "logistic" or "network"
    layer_sizes : (d, h1, ..., k): inputs, hidden widths, outputs
    activation : the hidden layers' activation name ("tanh", ...)
    loss : "mse", "sigmoid_ce" (two classes) or "softmax_ce" (three or more)
    optimizer : "sgd", "momentum" or "adam"
    learning_rate, l2, l1 : the live hyperparameters
    batch_size : rows per step, None for the whole training set
    normalize : whether inputs (and regression targets) are standardised
    """

    kind: str
    layer_sizes: tuple[int, ...]
    activation: str
    loss: str
    optimizer: str
    learning_rate: float
    l2: float
    l1: float
    batch_size: int | None
    normalize: bool

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.layer_sizes[1:-1]


@dataclass(frozen=True)
class Formula:
    """A formula in matplotlib mathtext (TeX subset, without the ``$``), and
    an optional plain-text comment beside it (the shapes)."""

    tex: str
    comment: str = ""


@dataclass(frozen=True)
class Code:
    """NumPy lines that implement the formulas above them."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    """A few plain sentences for the learner."""

    title: str
    text: str


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple  # of Formula, Code, Note


def model_facts(model) -> ModelFacts:
    """The facts of a fitted model (or snapshot), from its public API."""
    params = model.get_params()
    classes = getattr(model, "classes_", None)
    hidden = tuple(params.get("hidden_layers", ()))
    if classes is None:
        loss, n_out = "mse", int(getattr(model, "n_outputs_", 1) or 1)
    elif len(classes) <= 2:
        loss, n_out = "sigmoid_ce", 1
    else:
        loss, n_out = "softmax_ce", len(classes)
    if "hidden_layers" in params:
        kind = "network"
    else:
        kind = "logistic" if classes is not None else "linear"
    return ModelFacts(
        kind=kind,
        layer_sizes=(int(model.n_features_in_), *hidden, n_out),
        activation=str(params.get("activation", "linear")),
        loss=loss,
        optimizer=str(params.get("optimizer", "sgd")),
        learning_rate=float(params["learning_rate"]),
        l2=float(params.get("l2", 0.0)),
        l1=float(params.get("l1", 0.0)),
        batch_size=params.get("batch_size"),
        normalize=bool(params.get("normalize", True)),
    )


# -- the pieces -------------------------------------------------------------------
#: activation name -> (f(z) in TeX, f'(z) in TeX, NumPy forward of Z, NumPy derivative from A and Z)
ACTIVATION_FORMULAS = {
    "tanh": (r"\tanh(z) = \dfrac{e^{z}-e^{-z}}{e^{z}+e^{-z}}", r"1-\tanh^2(z) = 1 - a^2",
             "np.tanh({z})", "(1 - {a} ** 2)"),
    "relu": (r"\mathrm{relu}(z) = \max(0,\ z)", r"1\ \mathrm{if}\ z>0\ \mathrm{else}\ 0",
             "np.maximum(0, {z})", "({z} > 0)"),
    "sigmoid": (r"\sigma(z) = \dfrac{1}{1+e^{-z}}", r"\sigma(z)\,(1-\sigma(z)) = a\,(1-a)",
                "1 / (1 + np.exp(-{z}))", "{a} * (1 - {a})"),
    "linear": (r"f(z) = z", r"1", "{z}", "1"),
    "leaky_relu": (r"f(z) = \max(z,\ 0.01\,z)", r"1\ \mathrm{if}\ z>0\ \mathrm{else}\ 0.01",
                   "np.maximum({z}, 0.01 * {z})", "np.where({z} > 0, 1, 0.01)"),
}
#: what the output layer is called for each loss
OUTPUT_NAMES = {"mse": "identity (the values themselves)", "sigmoid_ce": "sigmoid", "softmax_ce": "softmax"}


def _shape(rows: str, cols: int) -> str:
    return f"({rows}, {cols})"


def _penalty_tex(facts: ModelFacts, weights: str) -> str:
    """`` + (l2/2) ||W||^2 + l1 ||W||_1`` for the penalties in use."""
    tex = ""
    if facts.l2 > 0:
        tex += rf" + \dfrac{{\lambda_2}}{{2}}\,{weights}^2"
    if facts.l1 > 0:
        tex += rf" + \lambda_1\,{weights.replace('_F', '')}_1"
    return tex


def _weight_norm(facts: ModelFacts) -> str:
    if facts.kind == "network":
        return r"\sum_l \|W^{[l]}\|_F"
    return r"\|w\|"


def explain(facts: ModelFacts) -> tuple[Section, ...]:
    """The sections of the panel for ``facts``: forward pass, loss, gradients,
    update, then notes."""
    if facts.kind == "network":
        sections = _network_sections(facts)
    else:
        sections = _linear_sections(facts)
    return (*sections, _update_section(facts), _notes_section(facts))


def _linear_sections(facts: ModelFacts) -> tuple[Section, ...]:
    d, k = facts.layer_sizes[0], facts.layer_sizes[-1]
    logistic = facts.kind == "logistic"
    forward = [Formula(r"z = X\,w + b" if logistic else r"\hat{y} = X\,w + b",
                       f"{_shape('n', d)} · {_shape(d, k)} → {_shape('n', k)}")]
    code = ["z = X @ w + b" if logistic else "y_hat = X @ w + b"]
    if logistic:
        forward.append(Formula(r"p = \sigma(z) = \dfrac{1}{1+e^{-z}}", "probability of the second class"))
        code.append("p = 1 / (1 + np.exp(-z))")
    forward_section = Section("1. Forward pass: the prediction", (*forward, Code(tuple(code))))

    penalty = _penalty_tex(facts, _weight_norm(facts))
    if logistic:
        loss = Formula(r"\mathcal{L} = -\dfrac{1}{n}\sum_{i=1}^{n}\left[y_i \log p_i + (1-y_i)\log(1-p_i)\right]"
                       + penalty, "binary cross-entropy, y in {0, 1}")
        loss_code = ["loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))"]
    else:
        scale = r"\dfrac{1}{n}" if k == 1 else r"\dfrac{1}{n\,k}"
        loss = Formula(rf"\mathcal{{L}} = {scale}\sum_{{i}} (\hat{{y}}_i - y_i)^2" + penalty,
                       "mean squared error" + (" of the standardised targets" if facts.normalize else ""))
        loss_code = ["loss = np.mean((y_hat - y) ** 2)"]
    loss_code += _penalty_code(facts, ["w"])
    loss_section = Section("2. Loss: how wrong it is", (loss, Code(tuple(loss_code))))

    if logistic:
        grads = [Formula(r"\dfrac{\partial \mathcal{L}}{\partial z_i} = \dfrac{p_i - y_i}{n}",
                         "sigmoid + cross-entropy: the error is p − y"),
                 Formula(r"\dfrac{\partial \mathcal{L}}{\partial w} = \dfrac{1}{n} X^{\top}(p - y)"
                         + (r" + \lambda_2\,w" if facts.l2 > 0 else ""), f"{_shape(d, 'n')} · {_shape('n', 1)} → {_shape(d, 1)}"),
                 Formula(r"\dfrac{\partial \mathcal{L}}{\partial b} = \dfrac{1}{n}\sum_i (p_i - y_i)")]
        grad_code = ["dz = (p - y) / n", "dw = X.T @ dz" + (" + l2 * w" if facts.l2 > 0 else ""), "db = dz.sum()"]
    else:
        two = r"\dfrac{2}{n}" if k == 1 else r"\dfrac{2}{n\,k}"
        grads = [Formula(rf"\dfrac{{\partial \mathcal{{L}}}}{{\partial w}} = {two} X^{{\top}}(\hat{{y}} - y)",
                         f"{_shape(d, 'n')} · {_shape('n', k)} → {_shape(d, k)}"),
                 Formula(rf"\dfrac{{\partial \mathcal{{L}}}}{{\partial b}} = {two}\sum_i (\hat{{y}}_i - y_i)")]
        factor = "2 / n" if k == 1 else "2 / (n * k)"
        grad_code = [f"dw = {factor} * X.T @ (y_hat - y)", f"db = {factor} * np.sum(y_hat - y, axis=0)"]
    gradient_section = Section("3. Gradients: which way is downhill", (*grads, Code(tuple(grad_code))))
    return forward_section, loss_section, gradient_section


def _network_sections(facts: ModelFacts) -> tuple[Section, ...]:
    sizes = facts.layer_sizes
    n_layers = len(sizes) - 1
    f_tex, f_prime_tex, f_code, f_prime_code = ACTIVATION_FORMULAS[facts.activation]
    f_name = f_tex.split("=")[0].split("(")[0].strip()
    forward, code = [], []
    for layer in range(1, n_layers + 1):
        previous = "X" if layer == 1 else f"A^{{[{layer - 1}]}}"
        previous_code = "X" if layer == 1 else f"A{layer - 1}"
        fan_in, fan_out = sizes[layer - 1], sizes[layer]
        forward.append(Formula(rf"Z^{{[{layer}]}} = {previous}\,W^{{[{layer}]}} + b^{{[{layer}]}}",
                               f"{_shape('n', fan_in)} · {_shape(fan_in, fan_out)} → {_shape('n', fan_out)}"))
        code.append(f"Z{layer} = {previous_code} @ W{layer} + b{layer}".ljust(24) + f"# {_shape('n', fan_out)}")
        if layer < n_layers:
            forward.append(Formula(rf"A^{{[{layer}]}} = {f_name}(Z^{{[{layer}]}})",
                                   f"{facts.activation}, element by element"))
            code.append(f"A{layer} = " + f_code.format(z=f"Z{layer}"))
    out = f"Z^{{[{n_layers}]}}"
    last = f"Z{n_layers}"
    if facts.loss == "sigmoid_ce":
        forward.append(Formula(rf"P = \sigma({out}) = \dfrac{{1}}{{1+e^{{-{out}}}}}", "probability of the second class"))
        code.append(f"P = 1 / (1 + np.exp(-{last}))")
    elif facts.loss == "softmax_ce":
        forward.append(Formula(r"P_{ic} = \dfrac{e^{Z_{ic}}}{\sum_j e^{Z_{ij}}}",
                               f"softmax over the {sizes[-1]} classes: each row sums to 1"))
        code += [f"E = np.exp({last} - {last}.max(axis=1, keepdims=True))  # no overflow",
                 "P = E / E.sum(axis=1, keepdims=True)"]
    else:
        forward.append(Formula(rf"\hat{{Y}} = {out}", "regression: the output is the prediction"))
        code.append(f"Y_hat = {last}")
    items = [*forward, Code(tuple(code))]
    if facts.hidden:
        items.append(Formula(rf"{f_tex}", f"the activation, {facts.activation}"))
    forward_section = Section("1. Forward pass: layer by layer", tuple(items))

    weights = r"\sum_l \|W^{[l]}\|_F"
    penalty = _penalty_tex(facts, weights)
    k = sizes[-1]
    if facts.loss == "sigmoid_ce":
        loss = Formula(r"\mathcal{L} = -\dfrac{1}{n}\sum_{i}\left[y_i \log p_i + (1-y_i)\log(1-p_i)\right]" + penalty,
                       "binary cross-entropy")
        loss_code = ["loss = -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))"]
    elif facts.loss == "softmax_ce":
        loss = Formula(r"\mathcal{L} = -\dfrac{1}{n}\sum_{i}\sum_{c} Y_{ic}\log P_{ic}" + penalty,
                       "cross-entropy, Y one-hot")
        loss_code = ["loss = -np.mean(np.sum(Y * np.log(P), axis=1))"]
    else:
        scale = r"\dfrac{1}{n}" if k == 1 else r"\dfrac{1}{n\,k}"
        loss = Formula(rf"\mathcal{{L}} = {scale}\sum_{{i}} \|\hat{{Y}}_i - Y_i\|^2" + penalty,
                       "mean squared error" + (" of the standardised targets" if facts.normalize else ""))
        loss_code = ["loss = np.mean((Y_hat - Y) ** 2)"]
    loss_code += _penalty_code(facts, [f"W{layer}" for layer in range(1, n_layers + 1)])
    loss_section = Section("2. Loss: how wrong it is", (loss, Code(tuple(loss_code))))

    top = n_layers
    if facts.loss == "mse":
        scale = "n" if k == 1 else r"n\,k"
        delta = Formula(rf"\delta^{{[{top}]}} = \dfrac{{\partial \mathcal{{L}}}}{{\partial Z^{{[{top}]}}}} = "
                        rf"\dfrac{{2\,(\hat{{Y}} - Y)}}{{{scale}}}", "the error at the output")
        delta_code = [f"dZ{top} = 2 * (Y_hat - Y) / " + ("n" if k == 1 else "(n * k)")]
    else:
        delta = Formula(rf"\delta^{{[{top}]}} = \dfrac{{\partial \mathcal{{L}}}}{{\partial Z^{{[{top}]}}}} = "
                        r"\dfrac{P - Y}{n}",
                        f"{'sigmoid' if facts.loss == 'sigmoid_ce' else 'softmax'} + cross-entropy: the error is P − Y")
        delta_code = [f"dZ{top} = (P - Y) / n"]
    decay = r" + \lambda_2\,W^{[l]}" if facts.l2 > 0 else ""
    grads = [delta,
             Formula(r"\dfrac{\partial \mathcal{L}}{\partial W^{[l]}} = A^{[l-1]\top}\,\delta^{[l]}" + decay,
                     "(h[l-1], n) · (n, h[l]) → (h[l-1], h[l])"),
             Formula(r"\dfrac{\partial \mathcal{L}}{\partial b^{[l]}} = \sum_{i} \delta^{[l]}_i", "sum over the rows")]
    if n_layers > 1:
        grads += [Formula(r"\delta^{[l-1]} = \left(\delta^{[l]}\,W^{[l]\top}\right) \odot f\,'(Z^{[l-1]})",
                          "the chain rule, one layer back"),
                  Formula(rf"f\,'(z) = {f_prime_tex}", f"derivative of {facts.activation}")]
    grad_code = list(delta_code)
    for layer in range(top, 0, -1):
        previous = "X" if layer == 1 else f"A{layer - 1}"
        grad_code.append(f"dW{layer} = {previous}.T @ dZ{layer}" + (f" + l2 * W{layer}" if facts.l2 > 0 else ""))
        grad_code.append(f"db{layer} = dZ{layer}.sum(axis=0)")
        if layer > 1:
            derivative = f_prime_code.format(a=f"A{layer - 1}", z=f"Z{layer - 1}")
            grad_code.append(f"dZ{layer - 1} = (dZ{layer} @ W{layer}.T) * {derivative}")
    gradient_section = Section("3. Gradients: backpropagation", (*grads, Code(tuple(grad_code))))
    return forward_section, loss_section, gradient_section


def _penalty_code(facts: ModelFacts, names: list[str]) -> list[str]:
    lines = []
    if facts.l2 > 0:
        lines.append("loss += l2 / 2 * " + " + ".join(f"np.sum({name} ** 2)" for name in names))
    if facts.l1 > 0:
        lines.append("loss += l1 * " + " + ".join(f"np.sum(np.abs({name}))" for name in names))
    return lines


def _update_section(facts: ModelFacts) -> Section:
    theta = r"\theta"
    grad = r"\nabla_{\theta}\mathcal{L}"
    if facts.optimizer == "momentum":
        items = [Formula(rf"v \leftarrow \beta\,v + {grad}", "β = 0.9: a running sum of gradients"),
                 Formula(rf"{theta} \leftarrow {theta} - \eta\,v", f"η = {facts.learning_rate:g}"),
                 Code(("v = beta * v + grad", "theta -= lr * v"))]
        name = "gradient descent with momentum"
    elif facts.optimizer == "adam":
        items = [Formula(rf"m \leftarrow \beta_1 m + (1-\beta_1)\,{grad}", "mean of the gradients, β₁ = 0.9"),
                 Formula(rf"v \leftarrow \beta_2 v + (1-\beta_2)\,({grad})^2", "mean of their squares, β₂ = 0.999"),
                 Formula(r"\hat{m} = \dfrac{m}{1-\beta_1^{\,t}},\quad \hat{v} = \dfrac{v}{1-\beta_2^{\,t}}",
                         "bias correction (t = steps so far)"),
                 Formula(rf"{theta} \leftarrow {theta} - \eta\,\dfrac{{\hat{{m}}}}{{\sqrt{{\hat{{v}}}}+\epsilon}}",
                         f"η = {facts.learning_rate:g}, ε = 1e-8"),
                 Code(("m = b1 * m + (1 - b1) * grad", "v = b2 * v + (1 - b2) * grad ** 2",
                       "m_hat = m / (1 - b1 ** t)", "v_hat = v / (1 - b2 ** t)",
                       "theta -= lr * m_hat / (np.sqrt(v_hat) + eps)"))]
        name = "Adam"
    else:
        items = [Formula(rf"{theta} \leftarrow {theta} - \eta\,{grad}", f"η = {facts.learning_rate:g}"),
                 Code(("theta -= lr * grad",))]
        name = "plain gradient descent (SGD)"
    if facts.l1 > 0:
        items += [Formula(r"w \leftarrow \mathrm{sign}(w)\,\max(|w| - \eta\lambda_1,\ 0)",
                          "then L1: soft thresholding of the weights"),
                  Code(("w = np.sign(w) * np.maximum(np.abs(w) - lr * l1, 0)",))]
    every = ("once per epoch, on all training rows" if facts.batch_size is None
             else f"after every mini-batch of {facts.batch_size} rows (n = {facts.batch_size} above)")
    return Section(f"4. Update: {name}, {every}", tuple(items))


NORMALISE_NOTE = Note(
    "Why the inputs are normalised",
    "Before the first layer each feature is standardised, x ← (x − mean) / std, with the training rows' "
    "mean and spread. A feature measured in thousands would otherwise get gradients a thousand times those of a "
    "feature measured in units: no single learning rate suits both, and the loss becomes a long narrow valley "
    "that gradient descent zig-zags across. The pictures still show raw units: the model undoes the scaling.")
NO_NORMALISE_NOTE = Note(
    "Inputs are not normalised",
    "“Normalise inputs” is off, so the raw feature values go in. Features on very different scales make the "
    "loss a long narrow valley: a learning rate small enough for the steep direction crawls along the flat one.")
CROSS_ENTROPY_NOTE = Note(
    "Why the output error is simply P − Y",
    "The cross-entropy takes the log of the probability, and the sigmoid or softmax makes that probability "
    "from an exponential: differentiating through both, the log and the exponential cancel and what is left is "
    "P − Y, predicted probability minus the truth. The library computes the loss straight from the logits Z "
    "in one fused step, so it never takes log(0) however confident the model gets.")
L2_NOTE = Note(
    "What L2 does to the weights",
    "L2 adds λ₂/2 · ‖W‖² to the loss, so its gradient adds λ₂·W and every step shrinks each weight by the factor "
    "(1 − ηλ₂) before the data push it back. Weights the data do not keep needing decay towards zero: smaller "
    "weights give a smoother boundary that overfits less. Biases are not penalised.")
L1_NOTE = Note(
    "What L1 does to the weights",
    "L1 adds λ₁ · Σ|w|. Its slope has no value at 0, so after each step the weights are soft-thresholded: each "
    "moves ηλ₁ towards zero and stops at exactly zero instead of crossing it. Weights the data do not need "
    "become exactly 0: a sparse model that uses few inputs.")
LEARNING_RATE_NOTE = Note(
    "Why a too-large learning rate overshoots",
    "Each step moves η times the slope. Where the loss curves steeply, a step longer than the distance to the "
    "bottom of the valley lands higher up the other side; then the slope there is steeper still, the next step "
    "longer, and the loss grows instead of falling until it explodes. Too small a rate only crawls. The step "
    "size ‖Δθ‖/‖θ‖ in the numbers above is often near 0.001 per step in healthy training.")


def _notes_section(facts: ModelFacts) -> Section:
    notes = [NORMALISE_NOTE if facts.normalize else NO_NORMALISE_NOTE]
    if facts.loss != "mse":
        notes.append(CROSS_ENTROPY_NOTE)
    if facts.l2 > 0:
        notes.append(L2_NOTE)
    if facts.l1 > 0:
        notes.append(L1_NOTE)
    notes.append(LEARNING_RATE_NOTE)
    return Section("Where learners trip", tuple(notes))
