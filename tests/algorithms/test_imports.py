"""algorithms/ runs on NumPy and the standard library alone."""

import subprocess
import sys

THIRD_PARTY = {"torch", "sklearn", "scipy", "pandas", "PySide6", "shiboken6", "pyqtgraph", "PIL", "datasets", "gui"}


def _third_party_modules_after(code: str) -> str:
    """The non-NumPy packages loaded by ``code`` in a fresh interpreter."""
    code += (f"\nimport sys\nprint(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {THIRD_PARTY!r})))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_importing_every_module_loads_only_numpy_and_the_standard_library():
    assert _third_party_modules_after(
        "import pkgutil, importlib, algorithms\n"
        "for m in pkgutil.walk_packages(algorithms.__path__, 'algorithms.'):\n"
        "    importlib.import_module(m.name)\n"
    ) == ""


def test_training_and_predicting_load_no_scikit_learn():
    # __sklearn_tags__ imports scikit-learn only when scikit-learn calls it.
    assert _third_party_modules_after(
        "import numpy as np\n"
        "from algorithms import LinearRegression, NeuralNetwork\n"
        "X = np.random.default_rng(0).normal(size=(40, 2))\n"
        "NeuralNetwork(max_epochs=2).fit(X, X[:, 0] > 0).predict_proba(X)\n"
        "LinearRegression(max_epochs=2).fit(X, X[:, 0]).partial_fit(X, X[:, 0]).predict(X)\n"
    ) == ""


def test_public_api():
    import algorithms

    assert set(algorithms.__all__) == {
        "LinearRegression", "LogisticRegression", "NeuralNetwork", "Trainer", "EpochRecord", "Param", "MODELS",
        "NotFittedError", "DivergedError", "is_classifier", "MAX_PARAMETERS", "SPLITS",
    }
    assert issubclass(algorithms.NotFittedError, ValueError)
    assert issubclass(algorithms.DivergedError, RuntimeError)


def test_is_classifier_tells_the_models_apart():
    from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, is_classifier

    assert is_classifier(LogisticRegression())
    assert is_classifier(NeuralNetwork(task="classification"))
    assert not is_classifier(NeuralNetwork(task="regression"))
    assert not is_classifier(LinearRegression())
