"""The presenter's focus: a side view asks for one unit of the model, the
data view that can show units shows it (its spec changes), every view is
told, the title names it, a new model drops it; a data view that cannot show
units ignores the request. Checked with views defined here, so nothing but
the View API is involved."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import datasets
from algorithms import NeuralNetwork
from gui.presenter import DataPresenter
from gui.views.anatomy import Unit
from gui.views.frame import FrameSpec, View


@dataclass(frozen=True)
class UnitSpec(FrameSpec):
    unit: Unit | None

    def compute(self, model, inputs):
        return None


class UnitPicture(View):
    """A data view that can show one unit."""

    view_id = "unit_picture"
    title = "Picture"
    slot = "data"
    shows_units = True

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "classification"

    def create_widget(self):
        from PySide6.QtWidgets import QLabel

        self.unit = None
        return QLabel()

    def spec(self):
        return UnitSpec(self.unit)

    def set_focus(self, unit, possible: bool) -> None:
        if unit != self.unit:
            self.unit = unit
            self._spec_changed()


class PlainPicture(UnitPicture):
    """A data view that cannot (regression here)."""

    view_id = "plain_picture"
    shows_units = False

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "regression"


class Asker(View):
    """A side view that asks for units and keeps what it is told."""

    view_id = "asker"
    title = "Asker"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return True

    def create_widget(self):
        from PySide6.QtWidgets import QLabel

        self.told = []
        return QLabel()

    def set_focus(self, unit, possible: bool) -> None:
        self.told.append((unit, possible))


@pytest.fixture
def presenter(qtbot):
    presenter = DataPresenter(views=(UnitPicture, PlainPicture, Asker))
    qtbot.addWidget(presenter.widget)
    presenter.set_model(NeuralNetwork())
    presenter.set_dataset(datasets.make("moons", n_samples=40, random_state=0))
    return presenter


def test_a_unit_asked_for_is_shown_by_the_data_view_and_told_to_every_view(qtbot, presenter):
    asker = presenter.side_views()[0]
    unit = Unit(1, 3, "hidden layer 1, unit 4")
    with qtbot.waitSignal(presenter.specs_changed), qtbot.waitSignal(presenter.focus_changed) as changed:
        asker._request_focus(unit)
    assert changed.args == [unit]
    assert presenter.focus() == unit
    assert presenter.specs()["unit_picture"] == UnitSpec(Unit(1, 3))
    assert asker.told[-1] == (unit, True)
    assert presenter.title() == "Picture: hidden layer 1, unit 4"
    # back to the model's output
    with qtbot.waitSignal(presenter.specs_changed):
        asker._request_focus(None)
    assert presenter.specs()["unit_picture"] == UnitSpec(None) and presenter.title() == "Picture"


def test_a_new_model_drops_the_unit(qtbot, presenter):
    presenter.side_views()[0]._request_focus(Unit(2, 0, "u"))
    with qtbot.waitSignal(presenter.focus_changed) as changed, qtbot.waitSignal(presenter.specs_changed):
        presenter.set_model(NeuralNetwork(hidden_layers=(3,)))
    assert changed.args == [None]
    assert presenter.focus() is None and presenter.specs()["unit_picture"] == UnitSpec(None)
    assert presenter.side_views()[0].told[-1] == (None, True)


def test_a_data_view_that_cannot_show_units_ignores_the_request(qtbot, presenter):
    presenter.set_dataset(datasets.make("plane", n_samples=40, random_state=0))
    asker = presenter.side_views()[0]
    assert asker.told[-1] == (None, False)  # told that clicking cannot show units here
    asker._request_focus(Unit(1, 0, "u"))
    assert presenter.focus() is None and presenter.title() == "Picture"
