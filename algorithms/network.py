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
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .activations import Activation
from .initializers import INITIALIZERS
from .losses import Loss, MeanSquaredError

__all__ = ["DenseNetwork", "TrainingPlan", "EvaluationPlan"]

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
        self._buffers = {purpose: OrderedDict() for purpose in _CACHE_SIZES}

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

    def penalty(self, l2: float) -> float:
        """``(l2 / 2) sum ||W||^2`` at the current parameters."""
        if not l2:
            return 0.0
        np.multiply(self.theta, self._l2_mask(l2), out=self._l2_tmp)
        return 0.5 * float(np.dot(self._l2_tmp, self.theta))

    def loss_and_gradient(self, x: np.ndarray, targets: np.ndarray, l2: float = 0.0) -> float:
        """Total loss at ``theta`` on one batch; fills ``grad`` (no update).

        ``x``: ``(n_in + 1, n)`` with a row of ones; ``targets``: ``(n_out, n)``
        as the loss expects (one-hot, 0/1 or values). Runs exactly the
        functions the training loop runs (used by the gradient checks).
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
    def train_epoch(self, plan: "TrainingPlan", optimizer, learning_rate: float, l2: float,
                    rng: np.random.Generator) -> tuple[float, float]:
        """One pass over ``plan``'s data, one optimiser step per mini-batch.

        Returns ``(loss, score)``: the mean loss over the epoch's samples,
        each under the parameters that saw it, plus the mean L2 term over
        the steps; accuracy or R² from the same forward passes.
        """
        if plan.shuffled:
            plan.shuffle(rng)
        forward, backward = self._forward, self._backward
        theta, grad = self.theta, self.grad
        step = optimizer.step
        loss_grad_ = self.loss.grad_
        add, multiply, subtract, dot, copyto = np.add, np.multiply, np.subtract, np.dot, np.copyto
        squared_error = plan.squared_error
        penalty = 0.0
        if l2:
            l2_mask, l2_tmp = self._l2_mask(l2), self._l2_tmp
        for x, y, y_t, store, bufs, mse_scale in plan.batches:
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
        loss, score = plan.metrics()
        return loss + 0.5 * float(penalty) / len(plan.batches), score

    def evaluate(self, plan: "EvaluationPlan", l2: float) -> tuple[float, float]:
        """``(loss incl. L2 term, score)`` of the current parameters on ``plan``."""
        plan.store = self._forward(self.buffers(plan.n, "eval"), plan.x)
        loss, score = plan.metrics()
        return loss + self.penalty(l2), score


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
        self.mse = type(net.loss) is MeanSquaredError
        if self.mse:
            # R^2_j = 1 - SSE_j / SST_j with SST_j = sum_i (y_ij - mean_j)^2
            centred = targets - targets.mean(axis=1, keepdims=True)
            self.total_sum_squares = np.einsum("ij,ij->i", centred, centred).astype(np.float64)
            self.squared_error = np.zeros(targets.shape[0])
        else:
            self.squared_error = np.zeros(0)
        self.store = None  # (n_out, n) outputs of the pass being measured

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
        sst = self.total_sum_squares
        r2 = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), np.where(sse == 0, 1.0, 0.0))
        return float(sse.sum()) / sse.size / self.n, float(r2.mean())


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
        # Epoch buffers: the data, permuted in place each epoch.
        self._source = (x, targets)
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
        x, targets = self._source
        order = rng.permutation(self.n)
        np.take(x, order, axis=1, out=self.x)
        np.take(targets, order, axis=1, out=self.targets)
