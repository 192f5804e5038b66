"""One seed range everywhere: the command line, the model's seed box, the
dataset's seed box, Reset and Regenerate (which move the seed on by one and
wrap from the largest seed to 0 instead of raising)."""

from __future__ import annotations

import argparse

import numpy as np

from gui.options import add_run_arguments, build_run, seed_range

from .conftest import TIMEOUT_MS
from .test_window import query


def run_from_command_line(*argv):
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    return build_run(parser.parse_args(list(argv)))


def test_the_largest_seed_opens_the_window_and_reset_wraps_it_to_zero(qtbot, make_window):
    low, high = seed_range()
    window = make_window(*run_from_command_line("--seed", str(high), "--dataset", "moons", "--samples", "80",
                                                "--hidden", "4"))
    field = window.model_panel.form().fields["random_state"]
    assert field.value() == high
    assert (field.spin.minimum() + 1, field.spin.maximum()) == (low, high)  # one step below is "random"
    assert query(qtbot, window)["random_state"] == high
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.toolbar.reset_action.trigger()  # raised OverflowError at the largest seed
    assert field.value() == low
    qtbot.waitUntil(lambda: query(qtbot, window)["random_state"] == low, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.toolbar.reset_action.trigger()
    assert field.value() == low + 1


def test_regenerate_at_the_largest_seed_wraps_to_zero(qtbot, make_window):
    low, high = seed_range()
    window = make_window()
    seed = window.dataset_panel.generator_options().seed
    assert (seed.minimum(), seed.maximum()) == (low, high)
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        seed.setValue(high)
    at_high = window.dataset
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        window.dataset_panel.regenerate_button.click()
    assert seed.value() == low
    assert not np.array_equal(at_high.X, window.dataset.X)
