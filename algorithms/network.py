"""The computational core shared by all three models: a fully-connected
network whose parameters live in ONE flat vector.

Layout (why it is fast)
-----------------------
Small networks are dominated by per-call overhead, not arithmetic, so the
design minimises NumPy calls per mini-batch and never allocates in the loop:

- All weights and biases are views into one flat vector ``theta`` and all
  gradients views into one flat vector ``grad``. An optimiser step, with L2,
  is a dozen in-place ufunc calls on two arrays, whatever the depth.
- Layer ``l`` is one block ``[W_l; b_l^T]`` of shape ``(fan_in + 1, fan_out)``
  (the weights, then the biases as a last row) and activations are stored
  *feature-major* as ``(n_units + 1, n_samples)`` with a last row of ones.
  Then ``z_l = W_l^T a_{l-1} + b_l`` is a single matrix product (the bias
  rides on the row of ones), the gradient of a whole block, biases included,
  is a single product, every operand is contiguous (or a transpose, which
  BLAS reads without a copy), and every elementwise operation (activation,
  derivative) runs on a contiguous array. Sample-major ``(n_samples,
  n_units)`` arrays with a bias column or a broadcast bias add cost 5-7x more
  per elementwise call: NumPy loops over short rows.
- Buffers are allocated once per batch size and reused every epoch.
- Mini-batches: the training data are permuted once per epoch into a
  preallocated buffer; each batch is then a slice (a view), not a
  fancy-index copy. The output logits of every batch are kept, so the epoch's
  training loss and accuracy are computed once at the end from the forward
  passes already made (the loss of each sample under the parameters that
  saw it), not with a second pass.

Math (feature-major, one mini-batch of ``n`` samples, ``L`` layers)
-------------------------------------------------------------------
Forward: ``a_0 = x`` (standardised inputs, ``(n_in, n)``),
``z_l = W_l^T a_{l-1} + b_l``, ``a_l = f(z_l)`` for hidden layers, and the
output ``z_L`` goes to a loss from ``losses.py`` (from logits).

Backward: ``delta_L = dL/dz_L`` (``(p - y) / n`` for the cross-entropies),
``dL/dW_l = a_{l-1} delta_l^T`` (``(fan_in, fan_out)``; with the row of ones
the block's last row is ``dL/db_l = sum_samples delta_l``), and
``delta_{l-1} = (W_l delta_l) * f'(z_{l-1})``.

L2: ``L_total = L + (l2 / 2) sum_l ||W_l||^2`` (weights only, not biases),
so ``grad += l2 * W``.

L1: ``+ l1 sum_l ||W_l||_1`` (weights only), by proximal gradient: after each
optimiser step, soft thresholding ``w <- sign(w) max(|w| - lr l1, 0)``, the
exact minimiser of ``l1 |w| + (w - w_step)^2 / (2 lr)``. Chosen over the
subgradient ``l1 sign(w)`` because it sets weights to exactly zero (a
subgradient step jumps over zero and leaves every weight dithering at about
``lr l1``) and stays stable for any ``l1``. The gradient in ``grad`` is that
of the smooth part (data + L2). With momentum or Adam the threshold
``lr l1`` is that of plain gradient descent: an approximation (Adam's
per-coordinate step is not ``lr * g``), still a descent method that zeroes
weights whose gradient cannot hold them away from zero.

Linear models (one layer, mean squared error, full batch) train from the
data's second moments instead: see ``GramPlan``.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .activations import Activation
from .initializers import INITIALIZERS
from .losses import Loss, MeanSquaredError

__all__ = ["DenseNetwork", "TrainingPlan", "EvaluationPlan", "EpochProgress", "GramPlan"]

# Buffer sets kept per purpose, least recently used dropped first: training
# needs two sizes (batch and remainder), prediction serves the GUI's grid and
# data rows. Bounded because drawing points changes the data size again and again.
_CACHE_SIZES = {"train": 3, "eval": 2, "predict": 4}


class _Buffers:
    """Preallocated arrays for one batch size ``n`` (feature-major)."""

    def __init__(self, net: "DenseNetwork", n: int, training: bool):
        dtype = net.dtype
        sizes = net.layer_sizes
        self.forward_ops = []  # (block^T, A_units_view, tmp, A_with_ones)
        self.hidden = []
        for width, block_t in zip(sizes[1:-1], net.blocks_t):
            with_ones = np.empty((width + 1, n), dtype)  # (width + 1, n)
            with_ones[width] = 1.0  # the bias input of the next layer
            units = with_ones[:width]  # (width, n), contiguous
            # scratch for derivatives; prediction on a large grid skips it when it can
            tmp = np.empty((width, n), dtype) if training or net.activation.forward_uses_tmp else None
            self.hidden.append((with_ones, units, tmp))
            self.forward_ops.append((block_t, units, tmp, with_ones))
        n_out = sizes[-1]
        self.z = np.empty((n_out, n), dtype)  # output logits/values (n_out, n)
        if not training:
            return
        self.delta = np.empty((n_out, n), dtype)
        self.z_t, self.delta_t = self.z.T, self.delta.T  # (n, n_out) views for the losses
        self.delta_flat = self.delta.reshape(-1)
        self.scratch = (np.empty((1, n), dtype).T, np.empty((1, n), dtype).T)
        # backward_ops, layers L-1 .. 1: (grad_block_l, delta_l^T, W_l, delta_{l-1}, a_{l-1} with ones, a_{l-1}, tmp)
        self.backward_ops = []
        delta = self.delta
        for layer in range(len(net.blocks) - 1, 0, -1):
            with_ones, units, tmp = self.hidden[layer - 1]
            delta_prev = np.empty_like(units)
            self.backward_ops.append(
                (net.grad_blocks[layer], delta.T, net.weights[layer], delta_prev, with_ones, units, tmp)
            )
            delta = delta_prev
        self.first_delta_t = delta.T  # delta_1^T, (n, width_1)
        self.first_grad_block = net.grad_blocks[0]


class EpochProgress:
    """How far an epoch run in pieces has got: the next batch, and the L2 and
    L1 terms summed over the steps so far (``l1_norm``: ``||W||_1`` now)."""

    __slots__ = ("next_batch", "penalty", "l1_penalty", "l1_norm")

    def __init__(self, l1_norm: float = 0.0) -> None:
        self.next_batch = 0
        self.penalty = 0.0
        self.l1_penalty = 0.0
        self.l1_norm = l1_norm


class DenseNetwork:
    """Fully-connected network: ``layer_sizes = (n_in, h_1, ..., n_out)``.

    ``activation`` applies to hidden layers; ``loss`` (a ``losses.Loss``) is
    the output layer fused with its loss. ``blocks[l]`` is ``[W_l; b_l^T]``
    (``(fan_in + 1, fan_out)``); ``weights[l]`` (``(fan_in, fan_out)``) and
    ``biases[l]`` (``(fan_out,)``) are views into it, and all of them views
    into ``theta``.
    """

    def __init__(self, layer_sizes, activation: Activation, loss: Loss, dtype=np.float64):
        self.layer_sizes = tuple(int(size) for size in layer_sizes)
        self.activation = activation
        self.loss = loss
        self.dtype = np.dtype(dtype)
        shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])]
        n_params = sum(rows * cols for rows, cols in shapes)
        self.theta = np.zeros(n_params, self.dtype)  # every weight and bias
        self.grad = np.zeros(n_params, self.dtype)  # dL/dtheta, same layout
        self.weight_mask = np.zeros(n_params, self.dtype)  # 1 on weights, 0 on biases (L2)
        self.blocks, self.blocks_t, self.grad_blocks, self.weights, self.biases = [], [], [], [], []
        self.block_slices = []
        offset = 0
        for rows, cols in shapes:
            where = slice(offset, offset + rows * cols)
            block = self.theta[where].reshape(rows, cols)  # [W; b^T]
            self.blocks.append(block)
            self.blocks_t.append(block.T)  # (fan_out, fan_in + 1), F-contiguous
            self.grad_blocks.append(self.grad[where].reshape(rows, cols))
            self.weights.append(block[:-1])  # (fan_in, fan_out), contiguous
            self.biases.append(block[-1])  # (fan_out,)
            self.weight_mask[where].reshape(rows, cols)[:-1] = 1.0
            self.block_slices.append(where)
            offset += rows * cols
        self._l2_tmp = np.empty(n_params, self.dtype)
        self._l2_scaled_mask = np.zeros(n_params, self.dtype)
        self._l2_value = 0.0
        self._l1_tmp = None  # (n_params,) scratch of the L1 step, made when first needed
        self._l1_mask, self._l1_mask_value = None, 0.0  # lr * l1 on weights, 0 on biases
        self._buffers = {purpose: OrderedDict() for purpose in _CACHE_SIZES}

    # Pickled (and deep-copied) as its structure and parameters only: every
    # other array is a view into ``theta``/``grad``, a mask or a scratch
    # buffer, rebuilt on loading (views must stay views into the vector the
    # optimiser updates).
    def __getstate__(self) -> dict:
        return {"layer_sizes": self.layer_sizes, "activation": self.activation, "loss": self.loss,
                "dtype": self.dtype, "theta": self.theta}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["layer_sizes"], state["activation"], state["loss"], state["dtype"])
        self.theta[...] = state["theta"]

    @property
    def n_params(self) -> int:
        return self.theta.size

    def initialize(self, rng: np.random.Generator, scheme: str | None) -> None:
        """Draw hidden layers' weights with ``scheme`` ("he" or "glorot"), the
        output layer's with Glorot (it feeds a sigmoid/softmax/identity); zero
        biases. ``scheme=None`` starts every parameter at zero (the convex
        one-layer models: deterministic, and any start reaches the optimum)."""
        self.theta[:] = 0.0
        if scheme is None:
            return
        last = len(self.blocks) - 1
        for layer, weights in enumerate(self.weights):
            draw = INITIALIZERS[scheme if layer < last else "glorot"]
            weights[...] = draw(weights.shape[0], weights.shape[1], rng)

    # -- buffers ---------------------------------------------------------------
    def buffers(self, n: int, purpose: str) -> _Buffers:
        """Cached buffers for ``n`` samples; ``purpose`` ("train", "eval",
        "predict") keeps training, validation and prediction from overwriting
        each other's arrays."""
        cache = self._buffers[purpose]
        bufs = cache.get(n)
        if bufs is None:
            if len(cache) >= _CACHE_SIZES[purpose]:
                cache.popitem(last=False)
            bufs = cache[n] = _Buffers(self, n, training=purpose == "train")
        else:
            cache.move_to_end(n)
        return bufs

    # -- passes ----------------------------------------------------------------
    def _forward(self, bufs: _Buffers, x: np.ndarray) -> np.ndarray:
        """``x``: ``(n_in + 1, n)`` inputs with a last row of ones. Returns the
        output ``z_L`` (``(n_out, n)``, a buffer). Hidden activations stay in
        ``bufs``."""
        forward_ = self.activation.forward_
        dot = np.dot
        a = x
        for block_t, units, tmp, with_ones in bufs.forward_ops:
            dot(block_t, a, out=units)  # z_l = [W; b^T]^T [a; 1]   (width, n)
            forward_(units, tmp)  # a_l = f(z_l), in place
            a = with_ones
        dot(self.blocks_t[-1], a, out=bufs.z)  # (n_out, n)
        return bufs.z

    def _backward(self, bufs: _Buffers, x: np.ndarray) -> None:
        """Fill ``grad`` from ``bufs.delta = dL/dz_L``; ``x`` is the batch
        input ``(n_in + 1, n)``."""
        backward_ = self.activation.backward_
        dot = np.dot
        for grad_block, delta_t, weights, delta_prev, prev, prev_units, tmp in bufs.backward_ops:
            dot(prev, delta_t, out=grad_block)  # dL/d[W; b^T] = [a; 1] delta^T
            dot(weights, delta_t.T, out=delta_prev)  # W delta   (fan_in, n)
            backward_(delta_prev, prev_units, tmp)  # * f'(z_{l-1})
        dot(x, bufs.first_delta_t, out=bufs.first_grad_block)

    def _l2_mask(self, l2: float) -> np.ndarray:
        if l2 != self._l2_value:  # rebuilt only when the live l2 changes
            np.multiply(self.weight_mask, l2, out=self._l2_scaled_mask)
            self._l2_value = l2
        return self._l2_scaled_mask

    def penalty(self, l2: float, l1: float = 0.0) -> float:
        """``(l2 / 2) sum ||W||^2 + l1 sum |W|`` at the current parameters (weights only)."""
        value = 0.0
        if l2:
            np.multiply(self.theta, self._l2_mask(l2), out=self._l2_tmp)
            value += 0.5 * float(np.dot(self._l2_tmp, self.theta))
        if l1:
            value += l1 * self.l1_norm()
        return value

    def l1_norm(self) -> float:
        """``sum_l sum |W_l|``: the absolute weights, biases excluded."""
        tmp = self._l1_scratch()
        np.abs(self.theta, out=tmp)
        return float(np.dot(tmp, self.weight_mask))

    def _l1_threshold_mask(self, threshold: float) -> np.ndarray:
        """``threshold`` on weights, 0 on biases; rebuilt only when ``lr * l1`` changes."""
        if self._l1_mask is None or threshold != self._l1_mask_value:
            if self._l1_mask is None:
                self._l1_mask = np.empty(self.n_params, self.dtype)
            np.multiply(self.weight_mask, threshold, out=self._l1_mask)
            self._l1_mask_value = threshold
        return self._l1_mask

    def _l1_scratch(self) -> np.ndarray:
        if self._l1_tmp is None:
            self._l1_tmp = np.empty(self.n_params, self.dtype)
        return self._l1_tmp

    def prox_l1(self, threshold: float) -> float:
        """Soft thresholding of the weights (biases untouched), in place:
        ``w <- sign(w) max(|w| - threshold, 0)``; returns the new ``sum |W|``.

        On a bias the mask is 0, so ``|b| - 0`` is kept and its sign restored:
        biases come back bit for bit. Four ufunc calls and a dot, whatever the depth.
        """
        tmp = self._l1_scratch()
        np.abs(self.theta, out=tmp)
        np.subtract(tmp, self._l1_threshold_mask(threshold), out=tmp)
        np.maximum(tmp, 0.0, out=tmp)
        np.copysign(tmp, self.theta, out=self.theta)
        return float(np.dot(tmp, self.weight_mask))

    def loss_and_gradient(self, x: np.ndarray, targets: np.ndarray, l2: float = 0.0, l1: float = 0.0) -> float:
        """Total loss at ``theta`` on one batch; fills ``grad`` (no update).

        ``x``: ``(n_in + 1, n)`` with a row of ones; ``targets``: ``(n_out, n)``
        as the loss expects (one-hot, 0/1 or values). Runs exactly the
        functions the training loop runs (used by the gradient checks). The
        value includes ``l1 sum |W|``; ``grad`` is the gradient of the smooth
        part, data + L2 (the L1 term acts through ``prox_l1``; away from zero
        its gradient is ``l1 sign(W)``).
        """
        n = x.shape[1]
        bufs = self.buffers(n, "train")
        z = self._forward(bufs, x)
        value = self.loss.loss(z.T, targets.T)
        self.loss.grad_(bufs.z_t, targets.T, bufs.delta_t, bufs.scratch)
        self._backward(bufs, x)
        if l2:
            value += self.penalty(l2)
            np.add(self.grad, self._l2_tmp, out=self.grad)  # + l2 W
        if l1:
            value += l1 * self.l1_norm()
        return value

    def predict_raw(self, x: np.ndarray) -> np.ndarray:
        """Output ``z_L`` (``(n_out, n)``, a fresh array) for inputs ``x``
        (``(n_in + 1, n)`` with a row of ones)."""
        return self._forward(self.buffers(x.shape[1], "predict"), x).copy()

    def layer_outputs(self, x: np.ndarray) -> list[np.ndarray]:
        """Fresh ``(width, n)`` activation of every hidden layer, then the output ``z_L``."""
        bufs = self.buffers(x.shape[1], "predict")
        z = self._forward(bufs, x)
        return [units.copy() for _, units, _ in bufs.hidden] + [z.copy()]

    # -- training --------------------------------------------------------------
    def train_epoch(self, plan: "TrainingPlan | GramPlan", optimizer, learning_rate: float, l2: float,
                    rng: np.random.Generator, l1: float = 0.0) -> tuple[float, float]:
        """One pass over ``plan``'s data, one optimiser step per mini-batch
        (each followed by the L1 soft thresholding when ``l1 > 0``).

        Returns ``(loss, score)``: the mean loss over the epoch's samples,
        each under the parameters that saw it, plus the mean L2 and L1 terms
        over the steps; accuracy or R² from the same forward passes.
        """
        if type(plan) is GramPlan:
            return self._train_epoch_gram(plan, optimizer, learning_rate, l2, l1)
        progress = self.start_epoch(plan, rng, learning_rate, l1)
        self.train_batches(progress, plan, optimizer, learning_rate, l2, l1, len(plan.batches))
        return self.finish_epoch(progress, plan, l1)

    def start_epoch(self, plan: "TrainingPlan", rng: np.random.Generator, learning_rate: float,
                    l1: float) -> "EpochProgress":
        """Begin an epoch that runs in pieces (:meth:`train_batches`, then
        :meth:`finish_epoch`): the data shuffled for it, nothing trained yet."""
        if plan.shuffled:
            plan.shuffle(rng)
        return EpochProgress(l1_norm=self.l1_norm() if l1 else 0.0)

    def finish_epoch(self, progress: "EpochProgress", plan: "TrainingPlan", l1: float) -> tuple[float, float]:
        """``(loss, score)`` of an epoch whose every batch has run (see
        :meth:`train_epoch`)."""
        loss, score = plan.metrics()
        n_steps = len(plan.batches)
        return loss + (0.5 * float(progress.penalty) + l1 * progress.l1_penalty) / n_steps, score

    def train_batches(self, progress: "EpochProgress", plan: "TrainingPlan", optimizer, learning_rate: float,
                      l2: float, l1: float, count: int) -> bool:
        """The next ``count`` mini-batches of the epoch ``progress`` follows
        (fewer at its end), one optimiser step each: an epoch longer than a
        frame of the window is run in pieces, with a picture between them.
        Returns whether the epoch's batches are all done."""
        forward, backward = self._forward, self._backward
        theta, grad = self.theta, self.grad
        step = optimizer.step
        loss_grad_ = self.loss.grad_
        add, multiply, subtract, dot, copyto = np.add, np.multiply, np.subtract, np.dot, np.copyto
        squared_error = plan.squared_error
        penalty, l1_penalty, l1_norm = progress.penalty, progress.l1_penalty, progress.l1_norm
        if l2:
            l2_mask, l2_tmp = self._l2_mask(l2), self._l2_tmp
        if l1:
            threshold = learning_rate * l1
        start = progress.next_batch
        stop = min(start + count, len(plan.batches))
        batches = plan.batches if start == 0 and stop == len(plan.batches) else plan.batches[start:stop]
        for x, y, y_t, store, bufs, mse_scale in batches:
            z = forward(bufs, x)
            if mse_scale:
                # MSE: the residual gives both the gradient and the epoch's
                # squared error, so no logits need keeping.
                delta = bufs.delta
                subtract(z, y, out=delta)
                if squared_error.shape[0] == 1:
                    squared_error += dot(bufs.delta_flat, bufs.delta_flat)
                else:
                    squared_error += np.einsum("ij,ij->i", delta, delta)
                multiply(delta, mse_scale, out=delta)  # dL/dz = 2 (z - y) / (n k)
            else:
                loss_grad_(bufs.z_t, y_t, bufs.delta_t, bufs.scratch)
                if store is not None:
                    copyto(store, z)  # keep logits for the epoch's loss/accuracy
            backward(bufs, x)
            if l2:
                multiply(theta, l2_mask, out=l2_tmp)  # l2 W (0 on biases)
                penalty += dot(l2_tmp, theta)  # l2 ||W||^2
                add(grad, l2_tmp, out=grad)
            step(theta, grad, learning_rate)
            if l1:
                l1_penalty += l1_norm  # ||W||_1 of the parameters this batch saw
                l1_norm = self.prox_l1(threshold)
        progress.penalty, progress.l1_penalty, progress.l1_norm = penalty, l1_penalty, l1_norm
        progress.next_batch = stop
        return stop == len(plan.batches)

    def _train_epoch_gram(self, plan: "GramPlan", optimizer, learning_rate: float, l2: float,
                          l1: float) -> tuple[float, float]:
        """The full-batch epoch of a linear MSE model from the data's second
        moments (``GramPlan``): the same step as the plain pass, in O(d^2)."""
        theta, grad = self.theta, self.grad
        loss, score = plan.loss_and_score(self.blocks[0], self.grad_blocks[0])  # fills dL/d[W; b^T]
        penalty = 0.0
        if l2:
            np.multiply(theta, self._l2_mask(l2), out=self._l2_tmp)
            penalty += 0.5 * float(np.dot(self._l2_tmp, theta))
            np.add(grad, self._l2_tmp, out=grad)
        if l1:
            penalty += l1 * self.l1_norm()
        optimizer.step(theta, grad, learning_rate)
        if l1:
            self.prox_l1(learning_rate * l1)
        return loss + penalty, score

    def evaluate(self, plan: "EvaluationPlan | GramPlan", l2: float, l1: float = 0.0) -> tuple[float, float]:
        """``(loss incl. L2 and L1 terms, score)`` of the current parameters on ``plan``."""
        if type(plan) is GramPlan:
            loss, score = plan.loss_and_score(self.blocks[0])
        else:
            plan.store = self._forward(self.buffers(plan.n, "eval"), plan.x)
            loss, score = plan.metrics()
        return loss + self.penalty(l2, l1), score


# -- prepared data ----------------------------------------------------------------
class _Data:
    """Data prepared for the network.

    ``x``: ``(n_in + 1, n)`` standardised inputs with a row of ones;
    ``targets``: ``(n_out, n)`` as the loss expects (one-hot for softmax, 0/1
    for sigmoid, standardised values for MSE).
    """

    def __init__(self, net: DenseNetwork, x, targets):
        self.net = net
        self.n = x.shape[1]
        self.x, self.targets = x, targets
        # The arrays the data live in; ``refilled`` after writing new rows into them.
        self.source = (x, targets)
        self.mse = type(net.loss) is MeanSquaredError
        self.squared_error = np.zeros(targets.shape[0] if self.mse else 0)
        self.refilled()
        self.store = None  # (n_out, n) outputs of the pass being measured

    def refilled(self) -> None:
        """The data in ``source`` changed in place (same shapes): update what
        is derived from them (the targets' total sum of squares for R^2)."""
        if self.mse:
            # R^2_j = 1 - SSE_j / SST_j with SST_j = sum_i (y_ij - mean_j)^2
            self.total_sum_squares = _total_sum_squares(self.source[1])

    def metrics(self) -> tuple[float, float]:
        """``(mean data loss, accuracy or R^2)`` from ``store`` (or, for MSE
        training, the squared errors accumulated during the pass)."""
        if not self.mse:
            loss, correct = self.net.loss.loss_and_correct(self.store.T, self.targets.T)
            return loss, correct / self.n
        if self.store is not None:  # evaluation: residuals from the stored outputs
            residual = self.store - self.targets
            self.squared_error[:] = np.einsum("ij,ij->i", residual, residual)
        sse = self.squared_error.copy()
        self.squared_error[:] = 0.0
        return _mse_metrics(sse, self.total_sum_squares, self.n)


def _total_sum_squares(targets: np.ndarray) -> np.ndarray:
    """``SST_j = sum_i (y_ji - mean_j)^2`` per output row of ``targets`` ``(k, n)``, float64."""
    centred = targets - targets.mean(axis=1, keepdims=True)
    return np.einsum("ij,ij->i", centred, centred).astype(np.float64)


def _mse_metrics(sse: np.ndarray, sst: np.ndarray, n: int) -> tuple[float, float]:
    """``(MSE = sum_j SSE_j / (n k), mean_j R^2_j)`` with ``R^2_j = 1 - SSE_j / SST_j``
    (a constant output scores 1 if fitted exactly, else 0)."""
    r2 = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), np.where(sse == 0, 1.0, 0.0))
    return float(sse.sum()) / sse.size / n, float(r2.mean())


class EvaluationPlan(_Data):
    """Data the network is measured on (validation rows): one full batch."""


class TrainingPlan(_Data):
    """Data the network trains on, split into mini-batch views.

    ``batch_size=None`` (or >= n): full batch, no copying or shuffling, the
    batch is the data. Otherwise the data are permuted once per epoch into
    buffers (``shuffle``) and each batch is a contiguous column slice.
    """

    def __init__(self, net: DenseNetwork, x, targets, batch_size: int | None):
        super().__init__(net, x, targets)
        n = self.n
        mse = self.mse
        n_out = targets.shape[0]
        self.shuffled = batch_size is not None and batch_size < n
        if not self.shuffled:
            bufs = net.buffers(n, "train")
            self.store = None if mse else bufs.z  # the single forward pass's output
            self.batches = [(x, targets, targets.T, None, bufs, 2.0 / (n * n_out) if mse else 0.0)]
            return
        # Epoch buffers: the data (``source``), permuted in place each epoch.
        self.x = np.empty_like(x)
        self.targets = np.empty_like(targets)
        self.store = None if mse else np.empty((n_out, n), net.dtype)
        self.batches = []
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            size = stop - start
            xb, yb = self.x[:, start:stop], self.targets[:, start:stop]
            store = None if mse else self.store[:, start:stop]
            scale = 2.0 / (size * n_out) if mse else 0.0
            self.batches.append((xb, yb, yb.T, store, net.buffers(size, "train"), scale))

    def shuffle(self, rng: np.random.Generator) -> None:
        """Permute the data into the epoch buffers (one ``take`` per array)."""
        x, targets = self.source
        order = rng.permutation(self.n)
        np.take(x, order, axis=1, out=self.x)
        np.take(targets, order, axis=1, out=self.targets)


class GramPlan:
    """Full-batch mean squared error of a one-layer network (linear
    regression), from the data's second moments.

    With the design ``A`` (``(d + 1, n)``, standardised inputs and a row of
    ones) and the targets ``Y`` (``(k, n)``), the block ``W = [W; b^T]``
    (``(d + 1, k)``) predicts ``Z = W^T A``, and all that full-batch gradient
    descent needs depends on the data only through ``G = A A^T``
    (``(d + 1, d + 1)``) and ``B = A Y^T`` (``(d + 1, k)``):

    - gradient ``dL/dW = 2 / (n k) A (Z - Y)^T = 2 / (n k) (G W - B)``;
    - squared error of output ``j``: ``SSE_j = ||A^T w_j - y_j||^2``.

    Evaluated as ``SSE_j = SSE*_j + e_j^T G e_j`` and ``G W - B = G e`` with
    ``e = W - W*``, where ``W* = G^+ B`` solves the normal equations and
    ``SSE*`` (its squared error) is measured once on the data: a sum of two
    non-negative terms. (The textbook ``w^T G w - 2 w^T b + y^T y`` loses
    every digit when the fit is nearly exact: the loss curve of noise-free
    data would be rounding noise, even negative.)

    Building the plan costs O(n d^2) once (two products and one pass for
    ``SSE*``); then a training epoch, with its loss and R², and the
    validation loss and R², cost O(d^2 k) whatever ``n``. The iterates are
    those of the plain pass up to rounding (tested to 1e-10 relative in
    float64). Moments are float64 whatever the model's dtype.
    """

    def __init__(self, net: DenseNetwork, x: np.ndarray, targets: np.ndarray):
        x = np.asarray(x, dtype=np.float64)  # (d + 1, n)
        targets = np.asarray(targets, dtype=np.float64)  # (k, n)
        self.net = net
        self.n, n_out = x.shape[1], targets.shape[0]
        self.gram = x @ x.T  # G = A A^T   (d + 1, d + 1)
        moments = x @ targets.T  # B = A Y^T   (d + 1, k)
        # W* = G^+ B from the eigendecomposition of the symmetric G (a
        # pseudo-inverse: constant or duplicated columns make G singular).
        values, vectors = np.linalg.eigh(self.gram)
        keep = values > max(values[-1], 0.0) * len(values) * np.finfo(np.float64).eps
        self.optimum = (vectors[:, keep] / values[keep]) @ (vectors[:, keep].T @ moments)  # (d + 1, k)
        residual = self.optimum.T @ x - targets  # (k, n)
        self.optimal_sse = np.einsum("ij,ij->i", residual, residual)  # SSE*_j
        self.total_sum_squares = _total_sum_squares(targets)
        self.scale = 2.0 / (self.n * n_out)  # dL/dz = 2 (z - y) / (n k)
        self._error = np.empty_like(self.optimum)  # e = W - W*
        self._g_error = np.empty_like(self.optimum)  # G e
        self._product = np.empty_like(self.optimum)  # e * G e
        # one output: flat views and Python floats for loss_and_score's scalar path
        self._single = None if n_out > 1 else (
            self._error.reshape(-1), self._g_error.reshape(-1), float(self.optimal_sse[0]),
            float(self.total_sum_squares[0]))

    def squared_errors(self, block: np.ndarray, grad_block: np.ndarray | None = None) -> np.ndarray:
        """``SSE_j`` (``(k,)``) of the block ``[W; b^T]``; writes
        ``dL/d[W; b^T] = 2 / (n k) G e`` into ``grad_block`` when given."""
        error, g_error = self._error, self._g_error
        np.subtract(block, self.optimum, out=error)
        np.dot(self.gram, error, out=g_error)
        if grad_block is not None:
            np.multiply(g_error, self.scale, out=grad_block, casting="unsafe")
        np.multiply(error, g_error, out=self._product)
        sse = np.add.reduce(self._product, axis=0)  # e_j^T G e_j
        np.add(sse, self.optimal_sse, out=sse)
        return np.maximum(sse, 0.0, out=sse)  # e^T G e >= 0 up to rounding

    def loss_and_score(self, block: np.ndarray, grad_block: np.ndarray | None = None) -> tuple[float, float]:
        """``(mean squared error, mean R^2)`` of the block ``[W; b^T]``, and
        its gradient into ``grad_block`` when given (``squared_errors``).
        One output, the common case, in a handful of scalar operations: this
        runs once per epoch and per validation, so call overhead is its cost."""
        if self._single is None:
            return _mse_metrics(self.squared_errors(block, grad_block), self.total_sum_squares, self.n)
        error, g_error = self._error, self._g_error
        np.subtract(block, self.optimum, out=error)
        np.dot(self.gram, error, out=g_error)
        if grad_block is not None:
            np.multiply(g_error, self.scale, out=grad_block, casting="unsafe")
        error_flat, g_error_flat, optimal_sse, sst = self._single
        sse = optimal_sse + max(float(np.dot(error_flat, g_error_flat)), 0.0)
        r2 = 1.0 - sse / sst if sst > 0 else (1.0 if sse == 0 else 0.0)
        return sse / self.n, r2
