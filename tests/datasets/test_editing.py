"""The undoable Editor: every operation, then undo and redo of it."""

import numpy as np
import pytest

from datasets import Dataset, make
from datasets.editing import Editor


@pytest.fixture
def editor():
    """Three points of two classes, plus an empty third class."""
    ds = Dataset(
        np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
        np.array([0, 1, 1]),
        "classification",
        ("x1", "x2"),
        ("red", "blue", "green"),
        name="drawn",
    )
    return Editor(ds)


def regression_editor(targets=1):
    y = np.array([0.5, 1.5]) if targets == 1 else np.array([[0.5, 1.0], [1.5, 2.0]])
    return Editor(Dataset(np.array([[0.0], [1.0]]), y, "regression", ("x",)))


def check_undo_redo(editor, before, after):
    """Undo gives back ``before``, redo ``after``, and the flags follow."""
    assert editor.dataset == after and editor.can_undo
    assert editor.undo() == before
    assert editor.dataset == before and editor.can_redo
    assert editor.redo() == after
    assert editor.dataset == after and not editor.can_redo


def test_starts_with_a_blank_canvas_and_no_history():
    blank = Editor()
    assert blank.dataset.is_empty and blank.dataset.n_classes == 2
    assert not blank.can_undo and not blank.can_redo
    assert blank.undo() is blank.dataset and blank.redo() is blank.dataset  # no-ops
    with pytest.raises(ValueError, match="Dataset"):
        Editor("not a dataset")


def test_add_point(editor):
    before = editor.dataset
    after = editor.add_point((2.0, 3.0), 2)
    assert after.n_samples == 4
    assert after.X[-1].tolist() == [2.0, 3.0] and after.y[-1] == 2
    assert after.class_names == before.class_names and after.name == "drawn"
    check_undo_redo(editor, before, after)


def test_add_points_to_a_blank_canvas():
    editor = Editor(Dataset.empty())
    editor.add_point([0.1, 0.2], 0)
    editor.add_point([0.3, 0.4], 1)
    assert editor.dataset.X.tolist() == [[0.1, 0.2], [0.3, 0.4]]
    assert editor.dataset.y.tolist() == [0, 1]
    editor.undo()
    editor.undo()
    assert editor.dataset.is_empty and not editor.can_undo


def test_spray_is_normal_around_the_centre(editor):
    before = editor.dataset
    after = editor.spray((5.0, -5.0), radius=0.5, n=4000, label=1, rng=0)
    new = after.X[3:]
    assert new.shape == (4000, 2) and (after.y[3:] == 1).all()
    assert new.mean(axis=0) == pytest.approx([5.0, -5.0], abs=0.02)
    assert new.std(axis=0) == pytest.approx([0.25, 0.25], rel=0.05)  # std = radius / 2
    inside = (np.hypot(*(new - [5.0, -5.0]).T) <= 0.5).mean()
    assert inside == pytest.approx(1 - np.exp(-2), abs=0.02)
    check_undo_redo(editor, before, after)
    # Same seed, same spray.
    again = Editor(before).spray((5.0, -5.0), 0.5, 4000, 1, np.random.default_rng(0))
    assert again == after
    assert editor.spray((0, 0), 1.0, 0, 1) is after  # n = 0: nothing, no step


def test_erase_removes_points_within_the_radius(editor):
    before = editor.dataset
    assert editor.erase((0.0, 0.0), 1.0) == 3  # distance exactly 1 counts as inside
    assert editor.dataset.is_empty
    check_undo_redo(editor, before, editor.dataset)
    editor.undo()
    assert editor.erase((0.9, 0.1), 0.2) == 1
    assert editor.dataset.X.tolist() == [[0.0, 0.0], [0.0, 1.0]]
    assert editor.dataset.y.tolist() == [0, 1]


def test_erasing_nothing_records_no_step(editor):
    assert editor.erase((10.0, 10.0), 0.5) == 0
    assert not editor.can_undo


def test_move(editor):
    before = editor.dataset
    after = editor.move([0, 2], (0.5, -1.0))
    assert after.X.tolist() == [[0.5, -1.0], [1.0, 0.0], [0.5, 0.0]]
    check_undo_redo(editor, before, after)
    # Repeated indices move a point once; a zero shift records nothing.
    editor.move([1, 1], (1.0, 0.0))
    assert editor.dataset.X[1].tolist() == [2.0, 0.0]
    current = editor.dataset
    assert editor.move([0], (0.0, 0.0)) is current


def test_relabel(editor):
    before = editor.dataset
    after = editor.relabel([0, 1], 2)
    assert after.y.tolist() == [2, 2, 1]
    check_undo_redo(editor, before, after)
    assert editor.relabel([0], 2) is after  # already that label: no step


def test_delete_with_indices_or_mask(editor):
    before = editor.dataset
    after = editor.delete([1])
    assert after.X.tolist() == [[0.0, 0.0], [0.0, 1.0]] and after.y.tolist() == [0, 1]
    check_undo_redo(editor, before, after)
    editor.delete(np.array([True, False]))
    assert editor.dataset.y.tolist() == [1]
    assert editor.delete([]) is editor.dataset


def test_clear_keeps_classes(editor):
    before = editor.dataset
    after = editor.clear()
    assert after.is_empty and after.class_names == ("red", "blue", "green")
    check_undo_redo(editor, before, after)
    assert editor.clear() is after


def test_add_class(editor):
    before = editor.dataset
    after = editor.add_class()
    assert after.class_names == ("red", "blue", "green", "class 3")
    check_undo_redo(editor, before, after)
    named = editor.add_class("  purple ")
    assert named.class_names[-1] == "purple"  # names are stripped
    editor.add_point((0, 0), 4)
    assert editor.dataset.y[-1] == 4


def test_default_class_names_follow_code_order():
    editor = Editor(Dataset.empty())  # class 0, class 1
    editor.remove_class(0)  # class 1
    assert editor.add_class().class_names == ("class 1", "class 2")


def test_at_most_eight_classes():
    editor = Editor(Dataset.empty())
    for _ in range(6):
        editor.add_class()
    assert editor.dataset.n_classes == Editor.MAX_CLASSES == 8
    with pytest.raises(ValueError, match="at most 8"):
        editor.add_class()


def test_remove_class_deletes_its_points_and_shifts_codes(editor):
    editor.add_point((3.0, 3.0), 2)
    before = editor.dataset  # y = [0, 1, 1, 2]
    after = editor.remove_class(1)
    assert after.class_names == ("red", "green")
    assert after.X.tolist() == [[0.0, 0.0], [3.0, 3.0]]
    assert after.y.tolist() == [0, 1]  # green moved from code 2 to 1
    check_undo_redo(editor, before, after)


def test_cannot_remove_the_last_class():
    editor = Editor(Dataset.empty(class_names=("only",)))
    with pytest.raises(ValueError, match="last class"):
        editor.remove_class(0)


def test_rename_class(editor):
    before = editor.dataset
    after = editor.rename_class(2, "lime")
    assert after.class_names == ("red", "blue", "lime") and after.X is before.X
    check_undo_redo(editor, before, after)
    assert editor.rename_class(2, "lime") is after
    with pytest.raises(ValueError, match="already used"):
        editor.rename_class(0, "blue")
    with pytest.raises(ValueError, match="non-empty"):
        editor.rename_class(0, "   ")


def test_set_dataset_is_undoable(editor):
    before = editor.dataset
    moons = make("moons", n_samples=10, random_state=0)
    assert editor.set_dataset(moons) is moons
    check_undo_redo(editor, before, moons)
    with pytest.raises(ValueError, match="Dataset"):
        editor.set_dataset(None)


def test_a_group_is_one_undo_step(editor):
    before = editor.dataset
    editor.begin_group()
    for step in range(5):  # a brush stroke
        editor.spray((step, 0.0), 0.1, 3, 0, rng=step)
    editor.begin_group()  # nested groups fold into the outer one
    editor.erase((0.0, 1.0), 0.01)
    editor.end_group()
    assert editor.in_group and editor.can_undo
    editor.end_group()
    after = editor.dataset
    assert after.n_samples == 3 + 15 - 1
    assert editor.undo() == before
    assert not editor.can_undo
    assert editor.redo() == after


def test_an_empty_group_records_nothing(editor):
    editor.begin_group()
    editor.erase((50.0, 50.0), 1.0)
    editor.end_group()
    assert not editor.can_undo
    with pytest.raises(ValueError, match="begin_group"):
        editor.end_group()


def test_undo_inside_a_group_closes_it_first(editor):
    before = editor.dataset
    editor.begin_group()
    editor.add_point((1, 1), 0)
    editor.add_point((2, 2), 0)
    assert editor.undo() == before
    assert not editor.in_group and editor.dataset.n_samples == 3


def test_a_new_edit_clears_redo(editor):
    editor.add_point((1, 1), 0)
    editor.undo()
    assert editor.can_redo
    editor.add_point((2, 2), 1)
    assert not editor.can_redo
    assert editor.dataset.X[-1].tolist() == [2.0, 2.0]


def test_many_steps_undo_in_order(editor):
    states = [editor.dataset]
    for k in range(10):
        editor.add_point((k, k), k % 3)
        states.append(editor.dataset)
    for expected in reversed(states[:-1]):
        assert editor.undo() == expected
    for expected in states[1:]:
        assert editor.redo() == expected


def test_history_is_bounded_by_memory():
    editor = Editor(make("moons", n_samples=1000, random_state=0), history_bytes=100_000)
    for k in range(20):  # each state holds 1000 x 3 x 8 bytes = 24 kB
        editor.move([k], (0.1, 0.0))
    undone = 0
    while editor.can_undo:
        editor.undo()
        undone += 1
    assert 1 <= undone <= 5


def test_regression_editing_uses_target_values():
    editor = regression_editor()
    before = editor.dataset
    after = editor.add_point([0.25], 3.5)
    assert after.X[-1].tolist() == [0.25] and after.y[-1] == 3.5
    check_undo_redo(editor, before, after)
    editor.relabel([0], -2.0)
    assert editor.dataset.y.tolist() == [-2.0, 1.5, 3.5]
    editor.spray([0.0], 0.2, 5, 1.0, rng=1)
    assert editor.dataset.n_samples == 8 and (editor.dataset.y[-5:] == 1.0).all()
    with pytest.raises(ValueError, match="regression"):
        editor.add_class()
    with pytest.raises(ValueError, match="regression"):
        editor.rename_class(0, "a")
    with pytest.raises(ValueError, match="target value"):
        editor.add_point([0.0], "high")
    with pytest.raises(ValueError, match="target value"):
        editor.add_point([0.0], float("nan"))


def test_regression_with_several_targets():
    editor = regression_editor(targets=2)
    after = editor.add_point([2.0], [7.0, 8.0])
    assert after.y.shape == (3, 2) and after.y[-1].tolist() == [7.0, 8.0]
    editor.relabel([0], [1.0, 1.0])
    assert editor.dataset.y[0].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="2 finite target values"):
        editor.add_point([2.0], 7.0)


def test_time_column_is_kept_by_removals_and_dropped_by_additions():
    editor = Editor(make("time_series", n_samples=20, random_state=0, window=2))
    editor.delete([0])
    assert editor.dataset.time.tolist() == list(range(3, 22))
    editor.add_point([0.0, 0.0], 0.5)
    assert editor.dataset.time is None


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda e: e.add_point((1.0,), 0), "xy must be 2 finite numbers"),
        (lambda e: e.add_point((1.0, np.inf), 0), "xy must be 2"),
        (lambda e: e.add_point("ab", 0), "xy must be 2"),
        (lambda e: e.add_point((1.0, 2.0), 3), "class code must be an integer in 0..2"),
        (lambda e: e.add_point((1.0, 2.0), 1.0), "class code"),
        (lambda e: e.add_point((1.0, 2.0), True), "class code"),
        (lambda e: e.spray((0, 0), -1.0, 5, 0), "radius"),
        (lambda e: e.spray((0, 0), 1.0, -5, 0), "n must be"),
        (lambda e: e.spray((0, 0), 1.0, 5, 9), "class code"),
        (lambda e: e.spray((0, 0), 1.0, 5, 0, rng="seed"), "rng"),
        (lambda e: e.erase((0, 0), float("nan")), "radius"),
        (lambda e: e.move([5], (1, 1)), "indices must be within 0..2"),
        (lambda e: e.move([-1], (1, 1)), "indices"),
        (lambda e: e.move([0.5], (1, 1)), "indices"),
        (lambda e: e.delete(np.array([True])), "boolean mask"),
        (lambda e: e.relabel([0], -1), "class code"),
        (lambda e: e.remove_class(3), "class code"),
        (lambda e: e.rename_class(0, 5), "class name"),
        (lambda e: e.add_class("red"), "already used"),
    ],
)
def test_bad_edits_raise_and_change_nothing(editor, call, message):
    before = editor.dataset
    with pytest.raises(ValueError, match=message):
        call(editor)
    assert editor.dataset is before and not editor.can_undo
