"""How it learns: the maths of one training step of the model being
trained, typeset, with the NumPy lines that implement each formula, notes
where learners trip, and live numbers beside the symbols.

The live numbers are computed in the render process on each frame's model
snapshot (:class:`HowItLearnsSpec`, with ``algorithms.inspect.training_terms``
on the training rows): the loss split into its data, L2 and L1 terms, and,
per layer, the norms of the gradient and of the parameters. The step size
per layer, ``||Δθ|| / ||θ||``, needs two models: the frame carries each
layer's parameters (small networks) and the view divides the change since
the previous frame by the epochs between the two frames, so it is the step
per epoch, exact when frames come every epoch (slow speeds, Step) and the
mean over the epochs between frames otherwise.

The formulas follow the model of the frame (:func:`_explain.model_facts`),
so they change with the activation, optimizer, L1/L2, task or model. They
are typeset (matplotlib's mathtext) in the GUI thread only while the panel
is visible, and cached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from algorithms.inspect import TrainingTerms, training_terms

from ._explain import ModelFacts, model_facts
from .frame import FrameSpec, View

#: the loss terms are measured on at most this many training rows (evenly
#: spread): the cost of one forward and backward pass per frame stays small
TERM_ROWS = 5000
#: the frame carries the parameters (for the step size) of networks up to
#: this many weights and biases; larger ones show no step size
STEP_PARAMS = 50_000


@dataclass(frozen=True, eq=False)
class LearnFrame:
    """One frame of the panel.

    facts : what decides the formulas
    terms : the loss terms and per-layer norms on ``n_rows`` training rows
    n_rows, n_train : rows measured, training rows in all
    parameters : per layer, the flat ``[W_l; b_l]`` (float64), or None when
        the network is too large to send them every frame
    """

    facts: ModelFacts
    terms: TrainingTerms | None
    n_rows: int
    n_train: int
    parameters: tuple[np.ndarray, ...] | None


def layer_parameters(model) -> tuple[np.ndarray, ...]:
    """Each layer's weights and biases ``[W_l; b_l]`` as one flat vector, in
    the units ``training_terms`` reports (the model's own: standardised
    inputs)."""
    # The parameter blocks of the model's network, as algorithms.inspect reads them.
    return tuple(np.asarray(block, dtype=np.float64).ravel() for block in model._network.blocks)


@dataclass(frozen=True)
class HowItLearnsSpec(FrameSpec):
    """The facts, the loss terms on the training rows and the parameters.

    ``train_rows``: ``np.packbits`` of the ``(n_rows,)`` training-row mask
    (validation rows left out), or None for every row.
    """

    train_rows: bytes | None
    n_rows: int
    rows: bool = True

    def compute(self, model, inputs) -> LearnFrame:
        facts = model_facts(model)
        X, y = inputs.rows, inputs.y
        if X is None or len(X) == 0:
            return LearnFrame(facts, None, 0, 0, None)
        if self.train_rows is not None and len(X) == self.n_rows:
            mask = np.unpackbits(np.frombuffer(self.train_rows, np.uint8), count=self.n_rows).astype(bool)
            X, y = X[mask], y[mask]
        n_train = len(X)
        if n_train > TERM_ROWS:
            keep = np.linspace(0, n_train - 1, TERM_ROWS).astype(np.intp)
            X, y = X[keep], y[keep]
        terms = training_terms(model, X, y) if len(X) else None
        parameters = layer_parameters(model)
        if sum(p.size for p in parameters) > STEP_PARAMS:
            parameters = None
        return LearnFrame(facts, terms, len(X), n_train, parameters)


class HowItLearns(View):
    """A side tab: formulas, code, notes and live numbers."""

    view_id = "how_it_learns"
    title = "How it learns"
    slot = "side"
    tab_share = 0.7  # formulas and numbers need the room; the loss curves stay above

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return model is not None

    def create_widget(self):
        from ._learn_panel import LearnPanel

        self._previous: tuple[int, tuple[np.ndarray, ...]] | None = None  # (epoch, parameters) last shown
        self._steps: tuple[tuple[float, ...] | None, int] = (None, 0)  # the last step sizes and their span
        return LearnPanel()

    def spec(self) -> HowItLearnsSpec | None:
        data = self.data
        if data is None or data.dataset.n_samples == 0:
            return None
        mask = np.asarray(data.val_mask, dtype=bool)
        train_rows = bytes(np.packbits(~mask)) if mask.any() else None
        return HowItLearnsSpec(train_rows, int(len(mask)))

    def show_frame(self, result: LearnFrame) -> None:
        epoch, previous = self.epoch, self._previous
        if result.parameters is None or epoch is None:
            self._steps = (None, 0)
        elif previous is None or epoch != previous[0]:
            same_shapes = previous is not None and [p.shape for p in previous[1]] == [
                p.shape for p in result.parameters]
            if same_shapes and epoch > previous[0]:
                span = epoch - previous[0]
                self._steps = (step_sizes(previous[1], result.parameters, span), span)
            else:
                self._steps = (None, 0)
            self._previous = (epoch, result.parameters)
        # (the same epoch again: a re-render for new specs; the last steps stand)
        self.widget.show_frame(result, *self._steps)

    def new_run(self) -> None:
        """New initial weights: no step from the old ones."""
        self._previous, self._steps = None, (None, 0)
        self.widget.clear_numbers()

    clear_frame = new_run  # no model trains on these data


def step_sizes(before: tuple[np.ndarray, ...], after: tuple[np.ndarray, ...], epochs: int) -> tuple[float, ...]:
    """Per layer ``||θ_after − θ_before|| / epochs / ||θ_after||``: the step
    per epoch relative to the parameters (NaN where ``θ_after`` is 0)."""
    ratios = []
    for old, new in zip(before, after):
        size = float(np.linalg.norm(new))
        change = float(np.linalg.norm(new - old)) / epochs
        ratios.append(change / size if size > 0 else float("nan"))
    return tuple(ratios)
