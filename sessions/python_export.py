"""Export a run as a standalone Python script that needs NumPy only.

The script holds the data (embedded, or in a CSV file beside it for large
sets), the settings, the app's trained weights, and the model written out
the way a textbook does: a forward pass, back-propagation, the loss and its
gradient, the optimiser and the training loop, each with its formula in a
comment. Not the app's flat-buffer core (``algorithms/network.py``), but the
same arithmetic, so:

- ``python script.py --predict points.csv --out predictions.csv`` gives the
  app's predictions (probabilities or values) to about 1e-12;
- ``python script.py --train --loss-curve curve.csv`` trains from the same
  seed and gives the app's loss curve (training and validation loss and
  score per epoch) to about 1e-10: the same initial weights (the same draws
  from NumPy's generator), the same validation rows, the same shuffles, the
  same standardisation, updates, L2 and L1 steps.

(Differences are rounding: sums taken in another order. Runs that were
changed while training (a live learning rate, edited data) are trained here
with the settings at the end.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from datasets.files import replacing

__all__ = ["export_python", "python_script", "EMBED_LIMIT"]

#: rows up to which the data are written into the script itself (beyond: a CSV beside it)
EMBED_LIMIT = 5_000


def _docstring_text(text: str, limit: int = 80) -> str:
    """``text`` (a dataset's or a file's name: anyone's) made safe inside the
    script's docstring: printable characters only, no backslash or double
    quote (either could end the string and let the rest run as code)."""
    safe = "".join(character for character in text if character.isprintable())
    safe = safe.replace("\\", "/").replace('"', "'")
    return safe if len(safe) <= limit else safe[:limit - 1] + "…"


def _literal(values) -> str:
    """A Python literal of nested lists of floats/ints, exact (``repr`` of
    each float round-trips), wrapped every few numbers."""
    array = np.asarray(values)
    if array.ndim == 0:
        return repr(array.item())
    if array.ndim == 1:
        items = [repr(value) for value in array.tolist()]
        lines, line = [], []
        for item in items:
            line.append(item)
            if len(line) == 8:
                lines.append(", ".join(line))
                line = []
        if line:
            lines.append(", ".join(line))
        if len(lines) <= 1:
            return "[" + (lines[0] if lines else "") + "]"
        return "[\n    " + ",\n    ".join(lines) + ",\n]"
    rows = [_literal(row).replace("\n", "\n    ") for row in array]
    return "[\n    " + ",\n    ".join(rows) + ",\n]"


_ACTIVATIONS = {
    "tanh": ('''def activation(z):
    """Hidden units: a = tanh(z)."""
    return np.tanh(z)


def activation_slope(a):
    """f'(z) written with the unit's output a = tanh(z): 1 - a**2."""
    return 1.0 - a * a
''', "tanh"),
    "relu": ('''def activation(z):
    """Hidden units: a = max(z, 0) (ReLU)."""
    return np.maximum(z, 0.0)


def activation_slope(a):
    """f'(z) = 1 where z > 0 (so a > 0), else 0."""
    return (a > 0).astype(float)
''', "ReLU"),
    "leaky_relu": ('''def activation(z):
    """Hidden units: a = z if z > 0 else 0.01 z (leaky ReLU)."""
    return np.maximum(z, 0.01 * z)


def activation_slope(a):
    """f'(z) = 1 where z > 0 (so a > 0), else 0.01."""
    return np.where(a > 0, 1.0, 0.01)
''', "leaky ReLU"),
    "sigmoid": ('''def activation(z):
    """Hidden units: a = 1 / (1 + exp(-z)) = (1 + tanh(z / 2)) / 2 (the tanh form never overflows)."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


def activation_slope(a):
    """f'(z) written with the unit's output a: a (1 - a)."""
    return a * (1.0 - a)
''', "sigmoid"),
    "linear": ('''def activation(z):
    """Hidden units: a = z (linear)."""
    return z


def activation_slope(a):
    """f'(z) = 1."""
    return np.ones_like(a)
''', "linear"),
}

_LOSSES = {
    "sigmoid_cross_entropy": '''def output_loss(z, t):
    """One sigmoid output, binary cross-entropy, from the logit z (n, 1) and
    the 0/1 targets t (n, 1):

        p = sigmoid(z),  L = -mean[t log p + (1 - t) log(1 - p)]
                           = mean[softplus(z) - t z]   (no log(0), no overflow)
        dL/dz = (p - t) / n

    Returns the summed loss (the mean is taken over the epoch), the number of
    rows classified right (z > 0 means class 1) and dL/dz."""
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    total = float(np.sum(softplus - t * z))
    correct = int(np.count_nonzero((z > 0) == (t > 0.5)))
    p = sigmoid(z)
    return total, correct, (p - t) / len(z)


def sigmoid(z):
    """1 / (1 + exp(-z)) = (1 + tanh(z / 2)) / 2, without overflow."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


def output_values(z, model):
    """What the model answers: the probabilities of the two classes (n, 2)."""
    p = sigmoid(z[:, 0])
    return np.column_stack([1.0 - p, p])
''',
    "softmax_cross_entropy": '''def output_loss(z, t):
    """Softmax over k outputs, categorical cross-entropy, from the logits z
    (n, k) and one-hot targets t (n, k):

        p_j = exp(z_j) / sum_k exp(z_k),  L = -mean sum_j t_j log p_j
                                            = mean[logsumexp(z) - sum_j t_j z_j]
        dL/dz = (p - t) / n

    Returns the summed loss, the rows whose largest logit is the labelled
    class (ties: the first largest, as argmax) and dL/dz."""
    row_max = z.max(axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(z - row_max), axis=1)) + row_max[:, 0]
    total = float(np.sum(log_sum - np.sum(t * z, axis=1)))
    correct = int(np.count_nonzero(np.argmax(z, axis=1) == np.argmax(t, axis=1)))
    p = softmax(z)
    return total, correct, (p - t) / len(z)


def softmax(z):
    """exp(z_j) / sum_k exp(z_k) per row, computed on z - max(z) (no overflow)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def output_values(z, model):
    """What the model answers: the probability of each class (n, k)."""
    return softmax(z)
''',
    "mse": '''def output_loss(z, t):
    """Identity outputs, mean squared error, on standardised targets t (n, k):

        L = 1 / (n k) sum (z - t)**2,   dL/dz = 2 (z - t) / (n k)

    Returns the summed squared error per output (k,) (the epoch's loss and
    R² come from it) and dL/dz."""
    residual = z - t
    return np.sum(residual * residual, axis=0), None, 2.0 * residual / residual.size


def output_values(z, model):
    """What the model answers: the predicted targets, back in their units."""
    values = z * model["y_scale"] + model["y_mean"]
    return values[:, 0] if values.shape[1] == 1 else values
''',
}

_OPTIMIZERS = {
    "sgd": '''class Optimizer:
    """Plain gradient descent: w <- w - lr g."""

    def __init__(self, params):
        pass

    def step(self, params, grads, learning_rate):
        for w, g in zip(params, grads):
            w -= learning_rate * g
''',
    "momentum": '''class Optimizer:
    """Heavy-ball momentum (beta = 0.9): v <- beta v + g;  w <- w - lr v."""

    def __init__(self, params, beta=0.9):
        self.beta = beta
        self.velocity = [np.zeros_like(w) for w in params]

    def step(self, params, grads, learning_rate):
        for w, g, v in zip(params, grads, self.velocity):
            v *= self.beta
            v += g
            w -= learning_rate * v
''',
    "adam": '''class Optimizer:
    """Adam (Kingma & Ba, 2015), with bias correction:

        m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g**2
        w <- w - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1**t),  v_hat = v / (1 - b2**t)
    """

    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = [np.zeros_like(w) for w in params]
        self.v = [np.zeros_like(w) for w in params]
        self.t = 0

    def step(self, params, grads, learning_rate):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for w, g, m, v in zip(params, grads, self.m, self.v):
            m[...] = b1 * m + (1.0 - b1) * g
            v[...] = b2 * v + (1.0 - b2) * g * g
            m_hat = m / (1.0 - b1**self.t)
            v_hat = v / (1.0 - b2**self.t)
            w -= learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)
''',
}

_FEATURE_CODE = {
    "x1": "x1", "x2": "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)",
}


def _features_function(transform) -> str:
    if transform is None:
        return '''def input_features(X):
    """The model's inputs are the raw columns."""
    return X
'''
    columns = []
    for name in transform.features:
        columns.append(f"        {_FEATURE_CODE[name]},  # {name}")
    if transform.degree > 1:
        from algorithms.preprocessing import monomial_name, polynomial_terms

        for power1, power2 in polynomial_terms(transform.degree):
            name = monomial_name(power1, power2)
            if name not in transform.features:
                columns.append(f"        x1**{power1} * x2**{power2},  # {name}")
    body = "\n".join(columns)
    return f'''def input_features(X):
    """The model's inputs from the two raw columns x1, x2: {", ".join(transform.names)}."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([
{body}
    ])
'''


def python_script(model, dataset, *, transform=None, epochs: int | None = None, split: str | None = None,
                  data_file: str | None = None) -> str:
    """The script's text (see the module docstring) for the fitted ``model``
    trained on ``dataset`` (a ``datasets.Dataset``: raw columns before
    ``transform``). ``epochs``: how many the app trained (the default of
    ``--train``; else the model's ``max_epochs``); ``split``: the app's
    validation split ("last" for a time series; default stratified for
    classes, random otherwise); ``data_file``: the CSV beside the script the
    data are read from (None: embedded)."""
    model._require_fitted()
    params = model._check_params()
    network = model._network
    classification = "classes_" in model.__dict__
    sizes = list(network.layer_sizes)
    hidden = sizes[1:-1]
    activation = network.activation.name
    loss = network.loss.name
    optimizer = params.get("optimizer", "sgd")
    scheme = None if type(model).__name__ != "NeuralNetwork" else network.activation.init
    batch_size = params.get("batch_size")
    split = split or ("stratified" if classification else "random")
    epochs = int(epochs if epochs else params["max_epochs"])
    l2, l1 = params.get("l2", 0.0), params.get("l1", 0.0)
    label = type(model).LABEL
    name = _docstring_text(dataset.name or "data")

    # -- the header ---------------------------------------------------------------
    shape = " -> ".join(map(str, sizes))
    out = {"sigmoid_cross_entropy": "a sigmoid output and binary cross-entropy",
           "softmax_cross_entropy": "softmax outputs and categorical cross-entropy",
           "mse": "identity outputs and mean squared error"}[loss]
    hidden_text = f", {_ACTIVATIONS[activation][1]} hidden units" if hidden else ""
    parts = [f'''"""{label} on "{name}", exported from "ML from scratch, trained live".

Standalone: needs Python 3 and NumPy only.

    python {{script}}                      # the app's trained weights: their score on the data
    python {{script}} --train              # train again from the seed ({epochs} epochs), printing the loss
    python {{script}} --predict in.csv --out out.csv    # predictions for the rows of in.csv
    python {{script}} --train --loss-curve curve.csv    # the loss per epoch, as the app plotted it

The model: a network {shape} ({sizes[0]} inputs{hidden_text}) with {out}.
Training: {optimizer} with learning rate {params["learning_rate"]:g}, L2 {l2:g}, L1 {l1:g}, \
{"full batch" if batch_size is None else f"mini-batches of {batch_size}"}, seed {params["random_state"]}, \
{params["validation_fraction"]:g} of the rows held out to validate.
Trained from the same seed it reproduces the app's run: the same initial
weights, validation rows, shuffles and updates (up to rounding).
"""

import argparse
import sys

import numpy as np
''']

    # -- the data ---------------------------------------------------------------------
    y = dataset.y
    classes = np.asarray(model.classes_).tolist() if classification else None
    data_lines = [f"\n# -- the data: {dataset.n_samples} rows of {dataset.n_features} columns "
                  f"{'-' * max(4, 40 - len(str(dataset.n_samples)))}"]
    data_lines.append(f"FEATURE_NAMES = {list(dataset.feature_names)!r}")
    if classification:
        data_lines.append(f"CLASS_NAMES = {list(dataset.class_names)!r}  # class code c is CLASS_NAMES[c]")
        data_lines.append(f"CLASSES = np.array({classes!r})  # the codes the model learned, in output order")
    if data_file is None:
        data_lines.append(f"X = np.array({_literal(dataset.X)})  # (n, d) raw inputs")
        data_lines.append(f"Y = np.array({_literal(y)})  # (n,) {'class codes' if classification else 'targets'}")
    else:
        data_lines.append(f'''DATA_FILE = {data_file!r}  # beside this script: the columns, then the target


def load_data():
    """X (n, d) and Y from DATA_FILE (written with 17 significant digits: exact)."""
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), DATA_FILE)
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    n_targets = {1 if y.ndim == 1 else y.shape[1]}
    X, Y = table[:, :-n_targets], table[:, -n_targets:]
    return X, {"Y[:, 0].astype(int)" if classification else ("Y[:, 0]" if y.ndim == 1 else "Y")}


X, Y = load_data()''')
    parts.append("\n".join(data_lines) + "\n")

    # -- settings -------------------------------------------------------------------------
    parts.append(f'''
# -- the settings (the app's hyperparameters) -----------------------------------
HIDDEN_LAYERS = {tuple(hidden)!r}  # widths of the hidden layers
LEARNING_RATE = {params["learning_rate"]!r}
L2 = {l2!r}  # weight decay: + (L2 / 2) sum W**2 (weights, not biases)
L1 = {l1!r}  # sparsity: + L1 sum |W|, by soft thresholding after each step
BATCH_SIZE = {batch_size!r}  # rows per step; None: all training rows (full batch)
EPOCHS = {epochs!r}  # the epochs the app trained
EARLY_STOPPING = {params["early_stopping"]!r}
PATIENCE = {params["patience"]!r}  # epochs without an improvement > TOL before early stopping
TOL = {params["tol"]!r}
VALIDATION_FRACTION = {params["validation_fraction"]!r}
SPLIT = {split!r}  # how validation rows are chosen: "stratified" (per class), "random" or "last"
NORMALIZE = {params["normalize"]!r}  # standardise inputs (and targets) with the training rows' statistics
SEED = {params["random_state"]!r}  # initial weights, validation rows and shuffles
''')

    # -- functions ---------------------------------------------------------------------
    parts.append("\n# -- input features ----------------------------------------------------------\n"
                 + _features_function(transform))
    parts.append('''

# -- standardisation --------------------------------------------------------------
def standardisation(columns):
    """Mean and standard deviation of each column (n, c) of the training rows:
    x_s = (x - mean) / std. A constant column (variance within rounding of
    zero) gets std 1. Without NORMALIZE: mean 0, std 1 (nothing changes)."""
    if not NORMALIZE:
        return np.zeros(columns.shape[1]), np.ones(columns.shape[1])
    n = len(columns)
    mean = columns.mean(axis=0)
    var = columns.var(axis=0)
    eps = np.finfo(float).eps
    constant = var <= n * eps * var + (n * np.abs(mean) * eps) ** 2
    return mean, np.where(constant, 1.0, np.sqrt(var))
''')
    if hidden:
        parts.append("\n\n# -- hidden units ------------------------------------------------------------\n"
                     + _ACTIVATIONS[activation][0])
    parts.append("\n\n# -- output and loss ---------------------------------------------------------\n" + _LOSSES[loss])
    init_doc = {
        None: "all weights and biases start at zero (the loss is convex: any start reaches the optimum)",
        "glorot": "Glorot (Xavier) uniform weights, W ~ U(-r, r) with r = sqrt(6 / (fan_in + fan_out)), "
                  "zero biases",
        "he": "He normal weights for the hidden layers, W ~ N(0, 2 / fan_in), Glorot uniform for the output "
              "layer (it feeds the output), zero biases",
    }[scheme]
    hidden_init, output_init = scheme, None if scheme is None else "glorot"
    init_line = (f"scheme = {hidden_init!r}" if hidden_init == output_init else
                 f"scheme = {hidden_init!r} if layer < len(sizes) - 2 else {output_init!r}  # output layer: Glorot")
    parts.append(f'''

# -- the network ------------------------------------------------------------------
def initial_weights(rng, sizes):
    """Weights (fan_in, fan_out) and biases (fan_out,) per layer: {init_doc}.
    Drawn layer by layer from ``rng``, in this order (as the app does)."""
    weights, biases = [], []
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        {init_line}
        if scheme == "he":
            W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        elif scheme == "glorot":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-limit, limit, size=(fan_in, fan_out))
        else:
            W = np.zeros((fan_in, fan_out))
        weights.append(W)
        biases.append(np.zeros(fan_out))
    return weights, biases


def forward(weights, biases, a):
    """Forward pass for standardised inputs a (n, d): every layer's output.
    Hidden layers: a_l = f(a_(l-1) @ W_l + b_l); the last layer gives the
    output's pre-activation z = a_(L-1) @ W_L + b_L (logits or values)."""
    outputs = [a]
    for layer, (W, b) in enumerate(zip(weights, biases)):
        z = outputs[-1] @ W + b  # (n, fan_out)
        outputs.append(z if layer == len(weights) - 1 else {"activation(z)" if hidden else "z"})
    return outputs


def backward(weights, outputs, delta):
    """Back-propagation from delta = dL/dz of the output layer (n, k):

        dL/dW_l = a_(l-1)^T delta_l,   dL/db_l = sum over rows of delta_l
        delta_(l-1) = (delta_l @ W_l^T) * f'(z_(l-1))

    Returns the gradients of the weights and of the biases."""
    grad_weights, grad_biases = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        grad_weights[layer] = outputs[layer].T @ delta  # (fan_in, fan_out)
        grad_biases[layer] = delta.sum(axis=0)  # (fan_out,)
        if layer > 0:
            delta = (delta @ weights[layer].T) * activation_slope(outputs[layer])
    return grad_weights, grad_biases
''')
    parts.append("\n\n# -- the optimiser -----------------------------------------------------------\n"
                 + _OPTIMIZERS[optimizer])

    targets_code = ('''def network_targets(y):
    """The 0/1 target of the sigmoid: 1 for CLASSES[1]."""
    return (np.searchsorted(CLASSES, y) == 1).astype(float)[:, None]  # (n, 1)
''' if loss == "sigmoid_cross_entropy" else '''def network_targets(y):
    """One-hot rows: a 1 in the column of each row's class in CLASSES."""
    targets = np.zeros((len(y), len(CLASSES)))
    targets[np.arange(len(y)), np.searchsorted(CLASSES, y)] = 1.0
    return targets  # (n, k)
''' if classification else '''def network_targets(y, y_mean, y_scale):
    """Standardised targets (n, k): (y - mean) / std of the training rows."""
    return (y.reshape(len(y), -1) - y_mean) / y_scale
''')
    parts.append("\n\n# -- training ------------------------------------------------------------------\n"
                 + targets_code)
    score_name = "accuracy" if classification else "R²"
    if classification:
        measure = '''def measure(weights, biases, x, t):
    """(mean loss, accuracy) of the network on standardised inputs x and targets t."""
    z = forward(weights, biases, x)[-1]
    total, correct, _ = output_loss(z, t)
    return total / len(x), correct / len(x)
'''
        epoch_metrics = "loss, score = loss_sum / n, correct / n"
        accumulate = "loss_sum += total\n            correct += right"
        start = "loss_sum, correct = 0.0, 0"
    else:
        measure = '''def r2(sse, t):
    """R² per output, 1 - SSE / SST (SST: spread of the targets t around their mean), averaged;
    a constant output scores 1 if predicted exactly, else 0."""
    sst = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
    scores = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), np.where(sse == 0, 1.0, 0.0))
    return float(scores.mean())


def measure(weights, biases, x, t):
    """(mean squared error, R²) of the network on standardised inputs x and targets t."""
    z = forward(weights, biases, x)[-1]
    sse, _, _ = output_loss(z, t)
    return float(sse.sum()) / t.size, r2(sse, t)
'''
        epoch_metrics = "loss, score = float(sse.sum()) / t_train.size, r2(sse, t_train)"
        accumulate = "sse += total"
        start = "sse = np.zeros(t_train.shape[1])"
    parts.append("\n\n" + measure)
    split_code = '''

def split_rows(y, fraction, seed, how):
    """(training rows, validation rows), both sorted: round(fraction * n)
    rows to validation (per class with "stratified", so each class keeps
    its share; at least one training row per class), drawn with a generator
    seeded SEED; "last": the final rows, in order (a time series)."""
    n = len(y)
    if fraction <= 0 or n < 2:
        return np.arange(n), np.arange(0)
    if how == "last":
        n_val = min(int(round(fraction * n)), n - 1)
        return np.arange(n - n_val), np.arange(n - n_val, n)
    rng = np.random.default_rng(seed)
    if how == "stratified":
        _, codes = np.unique(y, return_inverse=True)
        groups = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    else:
        groups = [np.arange(n)]
    is_val = np.zeros(n, dtype=bool)
    for members in groups:
        n_val = min(int(round(fraction * len(members))), len(members) - 1)
        if n_val > 0:
            is_val[rng.permutation(members)[:n_val]] = True
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)
'''
    parts.append(split_code)
    y_stats = "" if classification else "\n    y_mean, y_scale = standardisation(Y[train].reshape(len(train), -1))"
    targets_args = "" if classification else ", y_mean, y_scale"
    y_model = "" if classification else '\n    model["y_mean"], model["y_scale"] = y_mean, y_scale'
    parts.append(f'''

def penalty(weights):
    """The regularisation terms at the current weights: (L2 / 2) sum W**2 + L1 sum |W|."""
    return sum(0.5 * L2 * np.sum(W * W) + L1 * np.sum(np.abs(W)) for W in weights)


def train(epochs=EPOCHS, seed=SEED, report=None):
    """Train from fresh weights as the app does; returns (model, curve),
    ``model`` a dict like TRAINED. Each epoch: the training rows shuffled (mini-batches
    only), one optimiser step per batch (then L1's soft thresholding), the
    epoch's loss is the mean over its rows, each under the weights that saw
    it, plus the L2/L1 terms averaged over the steps; then the validation
    rows are measured with the new weights. ``curve``: (epoch, loss,
    validation loss, {score_name}, validation {score_name}) per epoch (NaN without
    validation rows)."""
    inputs = input_features(X)
    train_rows, val_rows = split_rows(Y, VALIDATION_FRACTION, seed, SPLIT)
    rng = np.random.default_rng(seed)  # weights, then shuffles
    x_mean, x_scale = standardisation(inputs[train_rows]){y_stats.replace("Y[train]", "Y[train_rows]").replace("len(train)", "len(train_rows)")}
    x_train = (inputs[train_rows] - x_mean) / x_scale
    t_train = network_targets(Y[train_rows]{targets_args})
    x_val = (inputs[val_rows] - x_mean) / x_scale
    t_val = network_targets(Y[val_rows]{targets_args})
    sizes = [inputs.shape[1], *HIDDEN_LAYERS, t_train.shape[1]]
    weights, biases = initial_weights(rng, sizes)
    optimizer = Optimizer(weights + biases)
    n = len(x_train)
    batch = n if BATCH_SIZE is None or BATCH_SIZE >= n else BATCH_SIZE
    best, best_weights, stale = np.inf, None, 0
    curve = []
    for epoch in range(1, epochs + 1):
        if batch < n:
            order = rng.permutation(n)  # a new order every epoch
            x_epoch, t_epoch = x_train[order], t_train[order]
        else:
            x_epoch, t_epoch = x_train, t_train
        {start}
        regularisation, steps = 0.0, 0
        for first in range(0, n, batch):
            x, targets = x_epoch[first:first + batch], t_epoch[first:first + batch]
            outputs = forward(weights, biases, x)
            total, right, delta = output_loss(outputs[-1], targets)
            {accumulate}
            regularisation += penalty(weights)  # at the weights this batch saw
            grad_weights, grad_biases = backward(weights, outputs, delta)
            grad_weights = [g + L2 * W for g, W in zip(grad_weights, weights)]  # d/dW of (L2 / 2) W**2
            optimizer.step(weights + biases, grad_weights + grad_biases, LEARNING_RATE)
            if L1:  # proximal step for L1 |W|: w <- sign(w) max(|w| - lr L1, 0)
                for W in weights:
                    W[...] = np.sign(W) * np.maximum(np.abs(W) - LEARNING_RATE * L1, 0.0)
            steps += 1
        {epoch_metrics}
        loss += regularisation / steps
        if len(val_rows):
            val_loss, val_score = measure(weights, biases, x_val, t_val)
            val_loss += penalty(weights)
        else:
            val_loss = val_score = float("nan")
        curve.append((epoch, loss, val_loss, score, val_score))
        if report is not None:
            report(epoch, loss, val_loss, score, val_score)
        monitored = loss if not len(val_rows) else val_loss
        if monitored < best - TOL:
            best, stale = monitored, 0
            if EARLY_STOPPING:
                best_weights = ([W.copy() for W in weights], [b.copy() for b in biases])
        else:
            stale += 1
            if EARLY_STOPPING and stale >= PATIENCE:
                if best_weights is not None:
                    weights, biases = best_weights
                break
    model = {{"x_mean": x_mean, "x_scale": x_scale, "weights": weights, "biases": biases}}{y_model}
    return model, curve
''')

    # -- trained weights -----------------------------------------------------------
    trained = [f"\n\n# -- the app's trained model {('(epoch ' + str(epochs) + ') ') if epochs else ''}"
               f"{'-' * 40}", "TRAINED = {"]
    trained.append(f'    "x_mean": np.array({_literal(np.asarray(model._x_mean, dtype=float))}),  # standardisation')
    trained.append(f'    "x_scale": np.array({_literal(np.asarray(model._x_scale, dtype=float))}),')
    if not classification:
        trained.append(f'    "y_mean": np.array({_literal(np.asarray(model._y_mean, dtype=float))}),  # targets\' scaling')
        trained.append(f'    "y_scale": np.array({_literal(np.asarray(model._y_scale, dtype=float))}),')
    trained.append('    "weights": [  # W_l (fan_in, fan_out), acting on standardised inputs')
    for W in network.weights:
        trained.append("        np.array(" + _literal(np.asarray(W, dtype=float)).replace("\n", "\n        ") + "),")
    trained.append("    ],")
    trained.append('    "biases": [  # b_l (fan_out,)')
    for b in network.biases:
        trained.append("        np.array(" + _literal(np.asarray(b, dtype=float)).replace("\n", "\n        ") + "),")
    trained.append("    ],")
    trained.append("}")
    parts.append("\n".join(trained) + "\n")

    score_line = ('''    correct = np.mean(CLASSES[np.argmax(values, axis=1)] == Y)
    return f"accuracy {100 * correct:.1f}% on all {len(Y)} rows"''' if classification else '''    predicted = values.reshape(len(Y), -1)
    actual = Y.reshape(len(Y), -1)
    sst = np.sum((actual - actual.mean(axis=0)) ** 2, axis=0)
    r2 = np.mean(1.0 - np.sum((actual - predicted) ** 2, axis=0) / np.where(sst > 0, sst, 1.0))
    return f"R² {r2:.4f} on all {len(Y)} rows"''')
    parts.append(f'''


def predict(X_raw, model=TRAINED):
    """The model's answer for raw rows X_raw (m, d): {"class probabilities (m, k), columns in CLASSES order" if classification else "the predicted targets"}."""
    x = (input_features(np.asarray(X_raw, dtype=float)) - model["x_mean"]) / model["x_scale"]
    return output_values(forward(model["weights"], model["biases"], x)[-1], model)


def score(values):
    """How well ``values`` (predict(X)) fit the data."""
{score_line}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="train from the seed instead of using the app's weights")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train (default %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help="seed (default %(default)s, the app's)")
    parser.add_argument("--loss-curve", metavar="CSV", help="write the loss per epoch of --train here")
    parser.add_argument("--predict", metavar="CSV", help="rows to predict (columns as FEATURE_NAMES, a header row)")
    parser.add_argument("--out", metavar="CSV", help="where --predict writes the predictions (default: print)")
    args = parser.parse_args(argv)
    model = TRAINED
    print("The app's weights:", score(predict(X)))
    if args.train:
        every = max(1, args.epochs // 10)

        def report(epoch, loss, val_loss, score_, val_score):
            if epoch % every == 0 or epoch == 1:
                print(f"epoch {{epoch:>6}}  loss {{loss:.5f}}  validation loss {{val_loss:.5f}}  "
                      f"{score_name} {{score_:.4f}}  validation {{val_score:.4f}}")

        model, curve = train(args.epochs, args.seed, report)
        print("Trained here:", score(predict(X, model)))
        if args.loss_curve:
            np.savetxt(args.loss_curve, np.array(curve), delimiter=",", fmt="%.17g",
                       header="epoch,loss,val_loss,score,val_score", comments="")
    if args.predict:
        rows = np.loadtxt(args.predict, delimiter=",", skiprows=1, ndmin=2)
        values = np.asarray(predict(rows, model))
        if args.out:
            np.savetxt(args.out, values.reshape(len(rows), -1), delimiter=",", fmt="%.17g")
        else:
            np.savetxt(sys.stdout, values.reshape(len(rows), -1), delimiter=",", fmt="%.10g")


if __name__ == "__main__":
    main()
''')
    return "".join(parts)


def export_python(model, dataset, path, *, transform=None, epochs=None, split=None,
                  embed_limit: int = EMBED_LIMIT) -> list[Path]:
    """Write the script (``python_script``) to ``path``, and the data to a
    CSV beside it (same name, ``.csv``) when they have more than
    ``embed_limit`` rows. Both are replaced atomically. Returns the paths
    written. ``OSError`` when they cannot be written."""
    path = Path(path)
    if path.suffix != ".py":
        path = path.with_name(path.name + ".py")
    written = []
    data_file = None
    if dataset.n_samples > embed_limit:
        data_path = path.with_suffix(".csv")
        data_file = data_path.name
        y = dataset.y.reshape(dataset.n_samples, -1)
        header = ",".join([f"x{j + 1}" for j in range(dataset.n_features)]
                          + (["target"] if y.shape[1] == 1 else [f"target{k + 1}" for k in range(y.shape[1])]))
        with replacing(data_path, text=True) as handle:
            np.savetxt(handle, np.column_stack([dataset.X, y]), delimiter=",", fmt="%.17g", header=header,
                       comments="")
        written.append(data_path)
    text = python_script(model, dataset, transform=transform, epochs=epochs, split=split, data_file=data_file)
    text = text.replace("{script}", _docstring_text(path.name))
    with replacing(path, text=True) as handle:
        handle.write(text)
    written.insert(0, path)
    return written
