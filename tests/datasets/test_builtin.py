"""Bundled real tables: shapes, classes, names, and their documented sources."""

from importlib import resources

import numpy as np
import pytest

import datasets
from datasets import BUILTINS, load_builtin

EXPECTED = {
    # name: (n_samples, n_features, class names or None, class counts or target range)
    "iris": (150, 4, ("setosa", "versicolor", "virginica"), [50, 50, 50]),
    "wine": (178, 13, ("cultivar 1", "cultivar 2", "cultivar 3"), [59, 71, 48]),
    "breast_cancer": (569, 30, ("benign", "malignant"), [357, 212]),
    "diabetes": (442, 10, None, (25.0, 346.0)),
}


def test_builtins_lists_the_tables_with_labels():
    assert set(BUILTINS) == set(EXPECTED)
    assert all(isinstance(label, str) and label for label in BUILTINS.values())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_shapes_classes_and_values(name):
    n_samples, n_features, class_names, summary = EXPECTED[name]
    ds = load_builtin(name)
    assert ds.name == name
    assert ds.X.shape == (n_samples, n_features) and len(ds.feature_names) == n_features
    assert np.isfinite(ds.X).all()
    if class_names is None:
        assert ds.task == "regression" and ds.y.shape == (n_samples,)
        assert (ds.y.min(), ds.y.max()) == summary
    else:
        assert ds.task == "classification" and ds.class_names == class_names
        assert ds.class_counts().tolist() == summary


def test_known_values():
    iris = load_builtin("iris")
    assert iris.feature_names[0] == "sepal length (cm)"
    assert iris.X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and iris.y[0] == 0
    assert iris.X.mean(axis=0) == pytest.approx([5.843, 3.057, 3.758, 1.199], abs=1e-3)
    wine = load_builtin("wine")
    assert wine.feature_names[-1] == "proline" and wine.X[0, -1] == 1065.0
    cancer = load_builtin("breast_cancer")
    assert cancer.feature_names[0] == "mean radius" and cancer.X[0, 0] == 17.99
    assert cancer.class_names[cancer.y[0]] == "malignant"
    diabetes = load_builtin("diabetes")
    assert diabetes.X[0].tolist()[:4] == [59.0, 2.0, 32.1, 101.0] and diabetes.y[0] == 151.0


def test_unknown_name():
    with pytest.raises(ValueError, match=r"name='mnist'.*iris"):
        load_builtin("mnist")


def test_sources_document_every_file_and_licence():
    data = resources.files("datasets").joinpath("data")
    sources = data.joinpath("SOURCES.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert data.joinpath(f"{name}.csv").is_file()
        assert f"{name}.csv" in sources
    for needle in ("BSD-3-Clause", "CC BY 4.0", "Efron", "Fisher", "UCI"):
        assert needle in sources


def test_package_exports():
    for name in ("Dataset", "GENERATORS", "make", "load_csv", "save_csv", "load_builtin", "BUILTINS",
                 "GeneratorSpec", "Option"):
        assert hasattr(datasets, name)
