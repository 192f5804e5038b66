"""The Dataset value: normalisation, immutability, validation, equality."""

import dataclasses

import numpy as np
import pytest

from datasets import Dataset, default_class_names


def classification(n=4, **changes):
    values = dict(
        X=np.arange(2 * n, dtype=float).reshape(n, 2),
        y=np.arange(n) % 2,
        task="classification",
        feature_names=("x1", "x2"),
        class_names=("a", "b"),
        name="toy",
    )
    values.update(changes)
    return Dataset(**values)


def test_fields_are_normalised_to_read_only_copies():
    X = np.array([[1, 2], [3, 4]])  # int input
    y = [0, 1]
    ds = Dataset(X, y, "classification", ["u", "v"], ["no", "yes"])
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.int64
    assert ds.feature_names == ("u", "v") and ds.class_names == ("no", "yes")
    assert not ds.X.flags.writeable and not ds.y.flags.writeable
    X[0, 0] = 99  # the caller's array is not shared
    assert ds.X[0, 0] == 1.0
    with pytest.raises(ValueError):
        ds.X[0, 0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.task = "regression"


def test_properties():
    ds = classification(n=5)
    assert (ds.n_samples, ds.n_features, ds.n_classes, ds.n_targets) == (5, 2, 2, 1)
    assert not ds.is_empty and ds.is_classification
    assert ds.class_counts().tolist() == [3, 2]
    regression = Dataset(np.zeros((3, 1)), np.zeros((3, 2)), "regression", ("x",))
    assert (regression.n_classes, regression.n_targets) == (0, 2)
    with pytest.raises(ValueError, match="classification"):
        regression.class_counts()


def test_empty_dataset_is_valid():
    blank = Dataset.empty()
    assert blank.is_empty and blank.X.shape == (0, 2) and blank.y.shape == (0,)
    assert blank.class_names == default_class_names(2) == ("class 0", "class 1")
    assert blank.feature_names == ("x1", "x2")
    reg = Dataset.empty("regression", n_features=1)
    assert reg.X.shape == (0, 1) and reg.class_names == () and reg.y.dtype == np.float64
    with pytest.raises(ValueError, match="task"):
        Dataset.empty("clustering")
    with pytest.raises(ValueError, match="n_features"):
        Dataset.empty(n_features=0)


def test_classes_may_be_empty_and_float_codes_are_accepted_when_integral():
    ds = classification(y=np.array([0.0, 0.0, 2.0, 2.0]), class_names=("a", "b", "c"))
    assert ds.y.tolist() == [0, 0, 2, 2] and ds.class_counts().tolist() == [2, 0, 2]


def test_time_column():
    ds = Dataset(np.zeros((3, 2)), np.zeros(3), "regression", ("a", "b"), time=[5, 6, 7])
    assert ds.time.dtype == np.float64 and not ds.time.flags.writeable
    assert ds.take([2, 0]).time.tolist() == [7.0, 5.0]
    with pytest.raises(ValueError, match=r"time must have shape \(3,\)"):
        Dataset(np.zeros((3, 2)), np.zeros(3), "regression", ("a", "b"), time=[1, 2])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"task": "clustering"}, "task must be one of"),
        ({"X": np.zeros(4)}, r"X must have shape \(n_samples, n_features\)"),
        ({"X": np.zeros((4, 0)), "feature_names": ()}, "at least one feature"),
        ({"X": [[0, 1], [2, 3], [4, 5], [6, np.nan]]}, "X must be finite, but row 3"),
        ({"X": [["a", "b"]] * 4}, "X must be numeric"),
        ({"feature_names": ("x1",)}, "feature_names has 1 names"),
        ({"feature_names": ("x1", "x1")}, "'x1' appears twice"),
        ({"feature_names": ("x1", "")}, "non-empty strings"),
        ({"feature_names": "x1"}, "not the single string"),
        ({"class_names": ()}, "at least one class"),
        ({"class_names": ("a", 1)}, "non-empty strings"),
        ({"y": np.array([0, 1, 2, 0])}, "class code 2, outside 0..1"),
        ({"y": np.array([0, -1, 0, 0])}, "class code -1"),
        ({"y": np.array([0, 1, 0])}, r"y must have shape \(4,\)"),
        ({"y": np.array([0.5, 1, 0, 0])}, "integer class codes"),
        ({"y": np.array(["a", "b", "a", "b"])}, "integer class codes"),
        ({"name": 3}, "name must be a string"),
    ],
)
def test_invalid_values_are_rejected_with_clear_messages(changes, message):
    with pytest.raises(ValueError, match=message):
        classification(**changes)


@pytest.mark.parametrize(
    "y, class_names, message",
    [
        (np.zeros((3, 2, 1)), (), r"y must have shape \(3,\) or \(3, k\)"),
        (np.zeros(2), (), r"y must have shape"),
        (np.array([0.0, np.inf, 1.0]), (), "y must be finite"),
        (np.zeros(3), ("a",), "class_names must be \\(\\)"),
    ],
)
def test_invalid_regression_targets(y, class_names, message):
    with pytest.raises(ValueError, match=message):
        Dataset(np.zeros((3, 1)), y, "regression", ("x",), class_names)


def test_equality_is_by_value_and_replace_revalidates():
    a = classification()
    b = classification()
    assert a == b and a is not b
    assert a != classification(name="other")
    assert a != classification(y=[1, 1, 0, 0])
    assert a != classification(X=np.ones((4, 2)))
    assert a.__eq__("text") is NotImplemented
    moved = a.replace(X=a.X + 1)
    assert moved.X[0, 0] == 1.0 and a.X[0, 0] == 0.0
    with pytest.raises(ValueError, match="class code 5"):
        a.replace(y=[5, 0, 0, 0])
    with pytest.raises(TypeError):
        hash(a)


def test_replace_shares_unchanged_arrays():
    a = classification()
    renamed = a.replace(class_names=("p", "q"))
    assert renamed.X is a.X and renamed.y is a.y


def test_take_rows_and_mask():
    a = classification(n=6)
    assert a.take([5, 1]).X.tolist() == [[10.0, 11.0], [2.0, 3.0]]
    assert a.take(a.y == 1).y.tolist() == [1, 1, 1]
    assert a.take([]).is_empty


def test_repr_is_one_short_line():
    text = repr(classification(n=1000))
    assert "n_samples=1000" in text and "\n" not in text and len(text) < 200
