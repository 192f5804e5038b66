"""Training health: in plain words, above the loss curves, what looks wrong
with the run and the numbers that show it (``algorithms.diagnostics``):
the loss exploding, training stalled, overfitting, dead or saturated units,
weights blown up.

Two sources, one banner: the model's units and weights are checked in the
render process on each frame's snapshot (:class:`HealthSpec`, over at most
HEALTH_ROWS of the dataset rows); the loss curves are checked in the GUI
thread from the history the window keeps (:meth:`TrainingHealth.check_history`,
a fraction of a millisecond, a few times a second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from algorithms.diagnostics import Finding, check_history, check_units, check_weights

from .frame import FrameSpec, View

#: what the banner calls a finding that is not its headline
SHORT_NAMES = {"exploding": "the loss blowing up", "stalled": "training stalled", "overfitting": "overfitting",
               "dead_units": "dead ReLU units", "saturated": "saturated units"}
#: the unit checks look at this many rows at most (evenly spread): whether a
#: unit is dead over 2,000 rows is what it is over 100,000
HEALTH_ROWS = 2000


@dataclass(frozen=True)
class HealthSpec(FrameSpec):
    """Findings about the model's hidden units (on the rows) and weights."""

    learning_rate: float
    rows: bool = True

    def compute(self, model, inputs) -> tuple[Finding, ...]:
        findings = list(check_weights(getattr(model, "coefs_", []), learning_rate=self.learning_rate))
        rows = inputs.rows
        if hasattr(model, "layer_activations") and rows is not None and len(rows):
            step = max(1, len(rows) // HEALTH_ROWS)
            activations = model.layer_activations(rows[::step])
            findings += check_units(activations[1:-1], model.activation)
        return tuple(findings)


class TrainingHealth(View):
    """A banner over the loss curves, shown only when something looks wrong."""

    view_id = "training_health"
    title = "Training health"
    slot = "status"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return model is not None

    def create_widget(self):
        from gui.panels.banner import Banner

        banner = Banner()
        banner.closed.connect(self._on_closed)
        self._model_findings: tuple[Finding, ...] = ()
        self._history_findings: list[Finding] = []
        self._dismissed: set[str] = set()  # kinds the person closed, until the next reset
        self.learning_rate = 0.01
        return banner

    def findings(self) -> list[Finding]:
        """What is wrong now: the most severe first, one per kind."""
        seen, found = set(), []
        for finding in sorted([*self._history_findings, *self._model_findings],
                              key=lambda f: f.severity != "error"):
            if finding.kind not in seen:
                seen.add(finding.kind)
                found.append(finding)
        return found

    def spec(self) -> HealthSpec | None:
        return None if self.data is None or self.data.dataset.n_samples == 0 else HealthSpec(self.learning_rate)

    def show_frame(self, result: tuple[Finding, ...]) -> None:
        self._model_findings = result
        self._update()

    def history_changed(self, history: dict[str, np.ndarray], since: int) -> None:
        """The loss curves so far, judged from index ``since`` (after new
        data or a new learning rate)."""
        if len(history.get("loss", ())) > since:
            self._history_findings = check_history(history, learning_rate=self.learning_rate, since=since)
            self._update()

    def params_changed(self, params: dict) -> None:
        rate = params.get("learning_rate")
        if rate is not None and rate != self.learning_rate:
            self.learning_rate = float(rate)
            self._spec_changed()

    def new_run(self) -> None:
        """New initial weights: what was wrong with the old ones is gone."""
        self._model_findings, self._history_findings = (), []
        self._dismissed.clear()
        self._update()

    clear_frame = new_run  # no model trains on these data

    def _update(self) -> None:
        shown = [finding for finding in self.findings() if finding.kind not in self._dismissed]
        banner = self.widget
        if not shown:
            if banner.isVisible():
                banner.hide()
            return
        first = shown[0]
        text = first.message
        if len(shown) > 1:
            # the others in a word each: the banner stays a few lines high,
            # the tooltip has every message
            text += "  Also: " + ", ".join(SHORT_NAMES.get(f.kind, f.kind) for f in shown[1:]) + " (hover for more)."
        if text != banner.label.text() or not banner.isVisible():
            banner.show_message(text, kind="error" if first.severity == "error" else "warning")
            banner.setToolTip("\n\n".join(finding.message for finding in shown))
            banner.setProperty("kinds", [finding.kind for finding in shown])

    def _on_closed(self) -> None:
        self._dismissed.update(finding.kind for finding in self.findings())
