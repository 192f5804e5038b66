"""algorithms/ runs on NumPy and the standard library alone."""

import subprocess
import sys


def test_importing_every_module_loads_only_numpy_and_the_standard_library():
    code = (
        "import sys, pkgutil, importlib, algorithms\n"
        "for m in pkgutil.walk_packages(algorithms.__path__, 'algorithms.'):\n"
        "    importlib.import_module(m.name)\n"
        "third = {'torch', 'sklearn', 'scipy', 'PySide6', 'shiboken6', 'pyqtgraph', 'PIL', 'datasets', 'gui'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in third)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api():
    import algorithms

    assert set(algorithms.__all__) == {
        "LinearRegression", "LogisticRegression", "NeuralNetwork", "Trainer", "EpochRecord", "Param", "MODELS",
        "NotFittedError", "DivergedError", "is_classifier",
    }
    assert issubclass(algorithms.NotFittedError, ValueError)
    assert issubclass(algorithms.DivergedError, RuntimeError)


def test_is_classifier_tells_the_models_apart():
    from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, is_classifier

    assert is_classifier(LogisticRegression())
    assert is_classifier(NeuralNetwork(task="classification"))
    assert not is_classifier(NeuralNetwork(task="regression"))
    assert not is_classifier(LinearRegression())
