"""One-off script that wrote the bundled CSV tables from scikit-learn's copies.

Run by hand, from the repository root, with scikit-learn installed::

    python scripts/convert_sklearn_tables.py

It reads the raw files scikit-learn ships in ``sklearn/datasets/data`` (without
importing scikit-learn's loaders, so the numbers are copied as written) and
writes header-row CSVs with readable column and class names into
``datasets/data/``. The app itself never needs scikit-learn: it reads the CSVs.
See SOURCES.md for origins and licences.
"""

import csv
import gzip
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "datasets" / "data"

IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
WINE_FEATURES = [
    "alcohol", "malic acid", "ash", "alcalinity of ash", "magnesium", "total phenols", "flavanoids",
    "nonflavanoid phenols", "proanthocyanins", "color intensity", "hue", "OD280/OD315 of diluted wines",
    "proline",
]
CANCER_MEASURES = [
    "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
    "concave points", "symmetry", "fractal dimension",
]
CANCER_FEATURES = (
    [f"mean {m}" for m in CANCER_MEASURES]
    + [f"{m} error" for m in CANCER_MEASURES]
    + [f"worst {m}" for m in CANCER_MEASURES]
)
DIABETES_FEATURES = [
    "age", "sex", "body mass index", "blood pressure", "total cholesterol", "LDL cholesterol",
    "HDL cholesterol", "cholesterol/HDL ratio", "log triglycerides", "blood sugar",
]


def sklearn_data_dir() -> Path:
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise SystemExit("scikit-learn is not installed")
    return Path(spec.origin).parent / "datasets" / "data"


def read_sklearn_csv(path: Path):
    """sklearn's format: first row 'n_samples,n_features,class names...', then rows ending in a class code."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    n_samples, n_features = int(rows[0][0]), int(rows[0][1])
    class_names = rows[0][2:]
    data = rows[1:]
    assert len(data) == n_samples and all(len(row) == n_features + 1 for row in data)
    return data, class_names


def write(name: str, header, rows) -> None:
    with open(HERE / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    source = sklearn_data_dir()

    data, _ = read_sklearn_csv(source / "iris.csv")
    species = ["setosa", "versicolor", "virginica"]
    write("iris", IRIS_FEATURES + ["species"], [row[:-1] + [species[int(row[-1])]] for row in data])

    data, _ = read_sklearn_csv(source / "wine_data.csv")
    cultivars = ["cultivar 1", "cultivar 2", "cultivar 3"]
    write("wine", WINE_FEATURES + ["cultivar"], [row[:-1] + [cultivars[int(row[-1])]] for row in data])

    data, class_names = read_sklearn_csv(source / "breast_cancer.csv")
    assert class_names == ["malignant", "benign"]
    write("breast_cancer", CANCER_FEATURES + ["diagnosis"], [row[:-1] + [class_names[int(row[-1])]] for row in data])

    with gzip.open(source / "diabetes_data_raw.csv.gz", "rt") as handle:
        features = [line.split() for line in handle if line.strip()]
    with gzip.open(source / "diabetes_target.csv.gz", "rt") as handle:
        # Stored as "1.510000000000000000e+02"; every value is a whole number.
        targets = [float(line) for line in handle if line.strip()]
    assert len(features) == len(targets) == 442 and all(t == int(t) for t in targets)
    write(
        "diabetes",
        DIABETES_FEATURES + ["disease progression"],
        [row + [str(int(t))] for row, t in zip(features, targets)],
    )


if __name__ == "__main__":
    main()
