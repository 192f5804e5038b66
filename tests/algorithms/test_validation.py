"""Every bad input is a ValueError whose message names the argument and the value."""

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, NotFittedError, Trainer

from .helpers import two_moons

X_OK, Y_OK = two_moons(40, 0.1, np.random.default_rng(0))


@pytest.fixture(params=["linear", "logistic", "nn"])
def model(request):
    return {"linear": LinearRegression, "logistic": LogisticRegression, "nn": NeuralNetwork}[request.param](
        max_epochs=2, random_state=0)


def _y(model):
    return Y_OK.astype(float) if isinstance(model, LinearRegression) else Y_OK


@pytest.mark.parametrize("bad, where", [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_non_finite_X_is_rejected_at_fit_and_predict(model, bad, where):
    X = X_OK.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match=rf"X contains NaN or infinity \({where} at index \(3, 1\)\)"):
        model.fit(X, _y(model))
    model.fit(X_OK, _y(model))
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        model.predict(X)


def test_non_finite_targets_are_rejected():
    y = Y_OK.astype(float)
    y[5] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN or infinity \(nan at index \(5,\)\)"):
        LinearRegression().fit(X_OK, y)
    with pytest.raises(ValueError, match="y contains NaN"):
        NeuralNetwork().fit(X_OK, y)  # classification labels


def test_mismatched_lengths(model):
    with pytest.raises(ValueError, match="X has 40 samples but y has 39 samples"):
        model.fit(X_OK, _y(model)[:39])
    with pytest.raises(ValueError, match="X has 40 samples but y has a scalar"):
        model.fit(X_OK, 1.0)


def test_empty_data(model):
    with pytest.raises(ValueError, match=r"X is empty: 0 sample\(s\) \(shape=\(0, 2\)\) while a minimum of 1"):
        model.fit(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match=r"X has no features: 0 feature\(s\) \(shape=\(5, 0\)\) while a minimum"):
        model.fit(np.zeros((5, 0)), np.zeros(5))


def test_wrong_dimensions_and_types(model):
    with pytest.raises(ValueError, match=r"X must be a 2-D array .* got shape \(40,\)\. Reshape your data"):
        model.fit(X_OK[:, 0], _y(model))
    with pytest.raises(ValueError, match=r"got shape \(40, 2, 1\)"):
        model.fit(X_OK[:, :, None], _y(model))
    with pytest.raises(ValueError, match="X must contain numbers"):
        model.fit(np.array([["a", "b"]] * 40), _y(model))
    with pytest.raises(ValueError, match=f"{type(model).__name__} requires y to be passed, but the target y is None"):
        model.fit(X_OK, None)


@pytest.mark.parametrize("cls", [LogisticRegression, NeuralNetwork])
def test_one_class_only(cls):
    with pytest.raises(ValueError, match=r"y has only one class \(1\): classification needs samples of at least two"):
        cls().fit(X_OK, np.ones(40, int))


def test_classification_label_problems():
    with pytest.raises(ValueError, match=r"non-integer values \(e.g. 0.5\).*regression"):
        NeuralNetwork().fit(X_OK, Y_OK + 0.5)
    with pytest.raises(ValueError, match="y must be a 1-D array of class labels; got shape"):
        NeuralNetwork().fit(X_OK, np.column_stack([Y_OK, Y_OK]))
    with pytest.raises(ValueError, match="mixes label types"):
        NeuralNetwork().fit(X_OK, np.array([1, "a"] * 20, dtype=object))
    with pytest.raises(ValueError, match="y must contain numbers for regression"):
        LinearRegression().fit(X_OK, np.array(["a", "b"] * 20))


@pytest.mark.parametrize("kwargs, message", [
    ({"activation": "swish"}, "activation='swish' is invalid: expected one of 'relu', 'tanh'"),
    ({"optimizer": "rmsprop"}, "optimizer='rmsprop' is invalid: expected one of 'sgd', 'momentum', 'adam'"),
    ({"task": "ranking"}, "task='ranking' is invalid"),
    ({"learning_rate": 0.0}, r"learning_rate=0.0 is invalid: must be positive"),
    ({"learning_rate": -0.1}, r"learning_rate=-0.1 is invalid: must be positive"),
    ({"learning_rate": float("nan")}, r"learning_rate=nan is invalid: expected a finite number"),
    ({"learning_rate": "fast"}, r"learning_rate='fast' is invalid: expected a number"),
    ({"hidden_layers": (16, 0)}, r"hidden_layers=\(16, 0\) is invalid: layer width 0 must be a positive integer"),
    ({"hidden_layers": (-3,)}, r"hidden_layers=\(-3,\) is invalid: layer width -3"),
    ({"hidden_layers": (4.5,)}, r"layer width 4.5 is not an integer"),
    ({"hidden_layers": 16}, r"hidden_layers=16 is invalid: expected a tuple of layer widths"),
    ({"batch_size": 0}, r"batch_size=0 is invalid: must be positive"),
    ({"max_epochs": 0}, r"max_epochs=0 is invalid"),
    ({"patience": 0}, r"patience=0 is invalid"),
    ({"l2": -1.0}, r"l2=-1.0 is invalid: must be >= 0"),
    ({"validation_fraction": 0.9}, r"validation_fraction=0.9 is invalid: must be <= 0.5"),
    ({"early_stopping": "yes"}, r"early_stopping='yes' is invalid: expected True or False"),
    ({"random_state": 1.5}, r"random_state=1.5 is invalid: expected an integer"),
    ({"normalize": None}, r"normalize=None is invalid: a value is required"),
])
def test_bad_hyperparameters_name_parameter_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetwork(**kwargs).fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=message):  # stored by set_params, refused by the next fit
        NeuralNetwork().set_params(**kwargs).partial_fit(X_OK, Y_OK)


def test_trainer_validates_like_fit():
    with pytest.raises(ValueError, match="learning_rate=-1"):
        Trainer(LinearRegression(learning_rate=-1), X_OK, Y_OK.astype(float))
    with pytest.raises(ValueError, match="X has 40 samples but y has 3 samples"):
        Trainer(NeuralNetwork(), X_OK, Y_OK[:3])


def test_wrong_feature_count_at_predict(model):
    model.fit(X_OK, _y(model))
    with pytest.raises(ValueError, match=f"X has 3 features, but {type(model).__name__} is expecting 2 features as input"):
        model.predict(np.zeros((4, 3)))


def test_prediction_before_fit_and_partial_fit_on_incompatible_data():
    with pytest.raises(NotFittedError, match="LinearRegression is not fitted yet: call fit"):
        LinearRegression().predict(X_OK)
    with pytest.raises(NotFittedError):
        LinearRegression().coef_
    model = NeuralNetwork(random_state=0).partial_fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=r"partial_fit cannot continue: y has labels \[7\]"):
        model.partial_fit(X_OK, np.full(40, 7))


# -- inputs NumPy would convert silently -----------------------------------------------
def test_complex_inputs_are_refused(model):
    with pytest.raises(ValueError, match=r"Complex data not supported: X has dtype complex128"):
        model.fit(X_OK + 1j, _y(model))
    with pytest.raises(ValueError, match="Complex data not supported: y"):
        model.fit(X_OK, _y(model) + 0.5j)
    with pytest.raises(ValueError, match="Complex data not supported: X contains complex numbers"):
        model.fit(X_OK.astype(object) + np.where(np.arange(2) == 0, 0, 1j), _y(model))


def test_dates_are_refused(model):
    dates = np.datetime64("2024-01-01") + np.arange(80).reshape(40, 2).astype("timedelta64[D]")
    with pytest.raises(ValueError, match=r"X holds dates or durations \(datetime64\[D\]\); convert them to numbers"):
        model.fit(dates, _y(model))
    with pytest.raises(ValueError, match="X holds dates or durations"):
        model.fit(np.diff(dates, axis=0, prepend=dates[:1]), _y(model))


@pytest.mark.parametrize("missing", [np.nan, float("nan"), None, np.float32("nan")])
def test_object_labels_with_missing_values_are_refused(missing):
    y = Y_OK.astype(object)
    y[3] = missing
    y[7] = missing
    with pytest.raises(ValueError, match=r"y contains missing values \((nan|None) at index 3 and 1 more\)"):
        NeuralNetwork().fit(X_OK, y)
    with pytest.raises(ValueError, match="y contains missing values"):
        # a list of strings with a NaN: NumPy would make the NaN the string "nan"
        LogisticRegression().fit(X_OK, ["yes", "no", "yes", missing] + ["no"] * 36)


def test_objects_that_are_not_numbers():
    X = X_OK.astype(object)
    X[0, 0] = {"foo": "bar"}
    with pytest.raises(ValueError, match="X must contain numbers: float.. argument must be a string or a real number"):
        LinearRegression().fit(X, Y_OK.astype(float))
    with pytest.raises(TypeError):  # also a TypeError, as NumPy's own conversion error
        LinearRegression().fit(X, Y_OK.astype(float))
    with pytest.raises(ValueError, match="X must be a rectangular array of numbers"):
        LinearRegression().fit([[1.0, 2.0], [3.0]], [1.0, 2.0])


def test_hidden_layers_given_as_an_iterator_are_refused():
    model = NeuralNetwork(hidden_layers=(width for width in (8, 8)), max_epochs=2)
    with pytest.raises(ValueError, match=r"hidden_layers=<generator .*> is invalid: got an iterator"):
        model.fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="got an iterator"):
        NeuralNetwork(hidden_layers=iter([4])).fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="layers have an order"):
        NeuralNetwork(hidden_layers={4, 8}).fit(X_OK, Y_OK)
    assert NeuralNetwork(hidden_layers=[8, 4], max_epochs=2).fit(X_OK, Y_OK).coefs_[1].shape == (8, 4)


def test_parameter_count_is_bounded_with_the_limit_named(monkeypatch):
    from algorithms import MAX_PARAMETERS

    assert MAX_PARAMETERS == 20_000_000
    with pytest.raises(ValueError, match=r"hidden layers alone have 1,057,222,656 weights and biases, above the limit "
                                         r"of 20,000,000 \(algorithms.MAX_PARAMETERS\)"):
        NeuralNetwork(hidden_layers=(4096,) * 64).fit(X_OK, Y_OK)
    # (4096, 4096) fits in the limit alone, but not with 3,000 input features
    wide = np.zeros((4, 3000))
    with pytest.raises(ValueError, match=r"with hidden_layers=\(4096, 4096\), 3000 input features and 1 outputs would "
                                         r"have 29,077,505 parameters, above the limit of 20,000,000"):
        NeuralNetwork(hidden_layers=(4096, 4096)).fit(wide, [0, 1, 0, 1])
    monkeypatch.setattr("algorithms.base.MAX_PARAMETERS", 1000)  # one features too many for a linear model
    with pytest.raises(ValueError, match=r"LinearRegression with 1000 input features and 1 outputs would have 1,001 "
                                         r"parameters, above the limit of 1,000"):
        LinearRegression().fit(np.zeros((2, 1000)), [0.0, 1.0])


class FakeSparse:
    """What scipy.sparse matrices look like from outside."""

    shape = (40, 2)

    def toarray(self):
        return X_OK

    def tocsr(self):
        return self


def test_sparse_input_is_refused_with_a_hint(model):
    with pytest.raises(ValueError, match=r"X is a FakeSparse: sparse matrices are not supported; use .toarray\(\)"):
        model.fit(FakeSparse(), _y(model))
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(ValueError, match=r"X is a csr_matrix: sparse matrices are not supported; use .toarray\(\)"):
        model.fit(sparse.csr_matrix(X_OK), _y(model))
    model.fit(X_OK, _y(model))
    with pytest.raises(ValueError, match=r"X is a csr_array: sparse matrices are not supported"):
        model.predict(sparse.csr_array(X_OK))
    with pytest.raises(ValueError, match=r"y is a csr_matrix: sparse matrices are not supported"):
        model.fit(X_OK, sparse.csr_matrix(_y(model)[:, None].astype(float)))
