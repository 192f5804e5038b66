"""The learned equation of logistic and linear regression, live:
``ŷ = 2.31·x1 − 0.40·x2 + 1.20`` and ``p(class 1) = σ(1.70·x1 + 0.30·x1² − 2.10)``,
in the raw units of the features the model sees (``coef_``, ``intercept_``),
each coefficient coloured as its line in the network diagram (orange
positive, blue negative, paler the weaker). With many features the largest
terms are shown (by their spread over the data, ``|w_j| · std(x_j)``) and
the others counted.

The text is written in the render process; the widget only sets it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np

from .anatomy import (anatomy, input_labels, is_one_neuron, layer_scale, level_style, number,
                      weight_levels)
from .colors import PALETTE
from ._shown import ShownOnlyView
from .frame import FrameSpec

#: terms shown at most per equation: the largest
MAX_TERMS = 10
#: the palest a coefficient's text gets (a line's opacity would make a weak one unreadable)
MIN_TEXT_ALPHA = 0.55


@dataclass(frozen=True, eq=False)
class EquationFrame:
    """The equation(s) of one frame: ``coef`` ``(k, d)`` and ``intercept``
    ``(k,)`` in raw units (``coef_``/``intercept_``), ``names`` the input
    features, ``shown`` ``(k, d)`` bool: the terms written out; ``text``
    the rich text shown, ``plain`` the same without markup, ``note`` how to
    read it."""

    coef: np.ndarray
    intercept: np.ndarray
    names: tuple[str, ...]
    shown: np.ndarray
    text: str
    plain: str
    note: str


def _colour(level: int) -> str:
    """The text colour of a coefficient of signed strength ``level``: its
    line's colour at its opacity, over white."""
    rgb, alpha, _ = level_style(level)
    alpha = max(alpha, MIN_TEXT_ALPHA)
    mixed = [round(255 + alpha * (channel - 255)) for channel in rgb]
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def _term(value: float, level: int, name: str | None, first: bool) -> tuple[str, str]:
    """One signed term, rich and plain: ``− 0.40·x2`` (``2.31·x1`` first); a
    name with an operator in it is put in parentheses (``0.13·(t-8)``)."""
    if name is not None and re.search(r"[-+*/=<>]", name):
        name = f"({name})"
    sign = "−" if value < 0 else "+"
    magnitude = number(abs(value))
    body = magnitude if name is None else f"{magnitude}·{name}"
    if first:
        plain = ("−" if value < 0 else "") + body
    else:
        plain = f" {sign} {body}"
    coloured = "" if first and value >= 0 else ("−" if first else f"{sign}&nbsp;")
    markup = (f'<span style="color:{_colour(level)}; font-weight:600">{coloured}{html.escape(magnitude)}</span>'
              + ("" if name is None else f"·{html.escape(name)}"))
    return (markup if first else f" {markup}"), plain


def write_equation(lhs_rich: str, lhs_plain: str, coef: np.ndarray, intercept: float, names, shown,
                   levels, intercept_level: int, link: bool) -> tuple[str, str]:
    """``lhs = [σ(] terms + intercept [)]``, rich and plain."""
    rich, plain = [], []
    for j in np.flatnonzero(shown):
        markup, text = _term(float(coef[j]), int(levels[j]), names[j], first=not rich)
        rich.append(markup)
        plain.append(text)
    hidden = int(np.count_nonzero(~shown))
    if hidden:
        rich.append(f" + …&nbsp;<i>({hidden} smaller terms)</i>")
        plain.append(f" + … ({hidden} smaller terms)")
    markup, text = _term(float(intercept), intercept_level, None, first=not rich)
    rich.append(markup)
    plain.append(text)
    body_rich, body_plain = "".join(rich), "".join(plain)
    if link:
        body_rich, body_plain = f"σ({body_rich})", f"σ({body_plain})"
    return f"{lhs_rich} = {body_rich}", f"{lhs_plain} = {body_plain}"


@dataclass(frozen=True)
class EquationSpec(FrameSpec):
    """The model's equation; ``variables``: the dataset's feature names,
    ``class_names``: its classes (the logistic model's ``p(class)``)."""

    variables: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    max_terms: int = MAX_TERMS
    rows: bool = True  # the features' spread over the rows orders the terms by size

    def compute(self, model, inputs) -> EquationFrame:
        body = anatomy(model)
        coef = body.weights[0].T  # (k, d): raw units of the inputs the model sees
        intercept = body.biases[0]  # (k,)
        k, d = coef.shape
        names = input_labels(d, inputs.transform, self.variables)
        spread = inputs.rows.std(axis=0) if inputs.rows is not None and len(inputs.rows) else np.ones(d)
        levels = weight_levels(coef, layer_scale(coef))
        bias_levels = weight_levels(intercept, layer_scale(intercept))
        logistic = hasattr(model, "predict_proba")
        shown = np.ones((k, d), bool)
        lines_rich, lines_plain = [], []
        for output in range(k):
            if d > self.max_terms:  # the largest contributions, in the features' order
                size = np.nan_to_num(np.abs(coef[output]) * spread, nan=np.inf)
                shown[output] = False
                shown[output, np.argsort(-size, kind="stable")[:self.max_terms]] = True
            if logistic:
                code = int(model.classes_[1])
                name = self.class_names[code] if code < len(self.class_names) else str(model.classes_[1])
                hue = "#{:02x}{:02x}{:02x}".format(*PALETTE[code % len(PALETTE)])
                lhs_rich = f'p(<span style="color:{hue}">●</span>&nbsp;{html.escape(name)})'
                lhs_plain = f"p({name})"
            else:
                lhs_plain = "ŷ" if k == 1 else f"ŷ{output + 1}"
                lhs_rich = lhs_plain
            rich, plain = write_equation(lhs_rich, lhs_plain, coef[output], intercept[output], names,
                                         shown[output], levels[output], int(bias_levels[output]), logistic)
            lines_rich.append(rich)
            lines_plain.append(plain)
        expanded = inputs.transform is not None and not inputs.transform.is_identity
        return EquationFrame(coef, intercept, names, shown, "<br><br>".join(lines_rich), "\n".join(lines_plain),
                             explanation(logistic, expanded))


def explanation(logistic: bool, expanded: bool) -> str:
    """The note under the equation (``expanded``: the model sees
    transformed features)."""
    text = ("σ(z) = 1 / (1 + e⁻ᶻ): the probability of the coloured class. The boundary is where the "
            "sum in σ( ) is 0." if logistic else "The prediction is this sum of weights times features.")
    text += (" Coefficients are in the raw units of each feature (the model standardises its inputs "
             "to train and converts back); each is coloured as its weight line in the Network tab.")
    if expanded:
        text += (" Features such as x² or sin x make the curve bend, yet the model stays linear in its "
                 "weights: that is why gradient descent on it still has one valley (see the Loss landscape).")
    return text


class LearnedEquation(ShownOnlyView):
    """Logistic and linear regression: the learned equation, live."""

    view_id = "learned_equation"
    title = "Equation"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return is_one_neuron(model)

    def create_widget(self):
        from .equation_widget import EquationWidget

        widget = EquationWidget()
        widget.visibility_changed.connect(self._spec_may_have_changed)  # a hidden equation is not written
        return widget

    def shown_spec(self) -> EquationSpec | None:
        data = self.data
        if data is None or data.dataset.n_samples == 0:
            return None
        return EquationSpec(tuple(data.dataset.feature_names), tuple(data.dataset.class_names or ()))

    def show_frame(self, result: EquationFrame) -> None:
        self._frame_arrived()
        self.widget.set_equation(result.text)
        self.widget.set_note(result.note)

    def clear_frame(self) -> None:
        self.widget.set_equation("")
