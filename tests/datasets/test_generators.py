"""Generators: every entry of the registry is checked for shapes, ranges,
reproducibility, noise and options (a new generator is tested automatically),
then each generator's own geometry is checked against its docstring."""

import math

import numpy as np
import pytest

import datasets
from datasets import GENERATORS, Dataset, make
from datasets.generators import MAX_N_SAMPLES

NAMES = list(GENERATORS)


def test_registry_lists_the_required_generators():
    classification = {"moons", "circles", "xor", "blobs", "spiral", "linear"}
    regression = {"line", "sine", "plane", "bumps", "time_series"}
    assert classification | regression <= set(GENERATORS)
    for name in classification:
        assert GENERATORS[name].task == "classification"
    for name in regression:
        assert GENERATORS[name].task == "regression"
    assert GENERATORS["line"].n_features == GENERATORS["sine"].n_features == 1
    assert GENERATORS["plane"].n_features == GENERATORS["bumps"].n_features == 2


@pytest.mark.parametrize("name", NAMES)
def test_spec_is_consistent(name):
    spec = GENERATORS[name]
    assert spec.name == name and spec.label and spec.task in ("classification", "regression")
    assert spec.default_n_samples >= 1
    assert 0 <= spec.default_noise <= spec.max_noise
    for option in spec.options:
        assert option.kind in (int, float) and option.label and option.help
        assert option.low <= option.default <= option.high
        assert option.validate(option.default, name) == option.default
    assert spec.function(n_samples=5, random_state=0) == make(name, n_samples=5, random_state=0)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_give_documented_shapes_and_types(name):
    spec = GENERATORS[name]
    ds = make(name, random_state=0)
    assert isinstance(ds, Dataset)
    assert ds.name == name and ds.task == spec.task
    assert ds.X.shape == (spec.default_n_samples, spec.n_features)
    assert ds.X.dtype == np.float64 and not ds.X.flags.writeable
    assert len(ds.feature_names) == spec.n_features
    if spec.task == "classification":
        assert ds.y.shape == (spec.default_n_samples,) and ds.y.dtype == np.int64
        counts = ds.class_counts()
        # Balanced classes: every class present, sizes differ by at most one.
        assert counts.min() >= 1 and counts.max() - counts.min() <= 1
        assert ds.class_names == tuple(f"class {k}" for k in range(ds.n_classes))
    else:
        assert ds.y.shape == (spec.default_n_samples,) and ds.y.dtype == np.float64
        assert ds.class_names == ()
    assert (ds.time is not None) == (name == "time_series")


@pytest.mark.parametrize("name", NAMES)
def test_data_lies_in_the_predictable_range(name):
    # Without noise every generator keeps its inputs within [-1.5, 1.5] and,
    # with default options, its regression targets within [-1.5, 1.5].
    ds = make(name, n_samples=20_000, noise=0.0, random_state=1)
    assert np.abs(ds.X).max() <= 1.5
    if ds.task == "regression":
        assert np.abs(ds.y).max() <= 1.5
    # With the maximum noise the data still stays near that box (6 standard deviations).
    spec = GENERATORS[name]
    noisy = make(name, n_samples=2_000, noise=spec.max_noise, random_state=1)
    values = noisy.X if noisy.task == "classification" else np.column_stack([noisy.X, noisy.y])
    assert np.abs(values).max() <= 1.5 + 6 * spec.max_noise


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_and_different_seed_different_data(name):
    a = make(name, n_samples=300, random_state=7)
    b = make(name, n_samples=300, random_state=7)
    c = make(name, n_samples=300, random_state=8)
    assert a == b
    assert not np.array_equal(a.X, c.X)
    # A Generator is accepted and used as given.
    d = make(name, n_samples=300, random_state=np.random.default_rng(7))
    assert d == a


@pytest.mark.parametrize("name", NAMES)
def test_global_numpy_random_state_is_never_touched(name):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    make(name, n_samples=50)  # random_state=None: fresh entropy, but not from the global state
    make(name, n_samples=50, random_state=3)
    assert np.array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("name", NAMES)
def test_noise_is_gaussian_with_the_requested_std_on_the_same_points(name):
    clean = make(name, n_samples=20_000, noise=0.0, random_state=5)
    noisy = make(name, n_samples=20_000, noise=0.2, random_state=5)
    # Classification: labels unchanged, inputs jittered. Regression: targets
    # noisy (time series: the whole signal, so windows too).
    if clean.task == "classification":
        assert np.array_equal(clean.y, noisy.y)
        differences = (noisy.X - clean.X).ravel()
    else:
        differences = np.concatenate([(noisy.X - clean.X).ravel(), noisy.y - clean.y])
        if name != "time_series":
            assert np.array_equal(clean.X, noisy.X)
    moved = differences[differences != 0]
    assert moved.size >= 20_000
    assert abs(moved.mean()) < 0.01
    assert moved.std() == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("name", NAMES)
def test_one_sample(name):
    ds = make(name, n_samples=1, random_state=0)
    assert ds.n_samples == 1 and ds.X.shape == (1, GENERATORS[name].n_features)
    assert ds.y.shape == (1,)


@pytest.mark.parametrize("name", NAMES)
def test_a_million_samples(name):
    ds = make(name, n_samples=1_000_000, random_state=0)
    assert ds.X.shape == (1_000_000, GENERATORS[name].n_features)
    assert ds.y.shape == (1_000_000,)
    assert np.isfinite(ds.X).all()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": -5}, "n_samples"),
        ({"n_samples": MAX_N_SAMPLES + 1}, "n_samples"),
        ({"n_samples": 10.5}, "n_samples"),
        ({"n_samples": True}, "n_samples"),
        ({"n_samples": "100"}, "n_samples"),
        ({"noise": -0.1}, "noise"),
        ({"noise": 1e9}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "a lot"}, "noise"),
        ({"random_state": -1}, "random_state"),
        ({"random_state": "seed"}, "random_state"),
        ({"random_state": 1.5}, "random_state"),
        ({"random_state": True}, "random_state"),
        ({"no_such_option": 1}, "no_such_option"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(name, kwargs, message):
    with pytest.raises(ValueError, match=message) as caught:
        make(name, **kwargs)
    if message != "no_such_option":
        (value,) = kwargs.values()
        assert repr(value) in str(caught.value)


def _bad_values(option):
    yield option.low - 1
    yield option.high + 1
    yield "three"
    yield True
    yield float("inf")
    if option.kind is int:
        yield option.default + 0.5


@pytest.mark.parametrize(
    "name, option_name",
    [(name, option.name) for name, spec in GENERATORS.items() for option in spec.options],
)
def test_each_option_is_validated_and_changes_the_data(name, option_name):
    option = GENERATORS[name].option(option_name)
    for bad in _bad_values(option):
        with pytest.raises(ValueError, match=option_name) as caught:
            make(name, random_state=0, **{option_name: bad})
        assert repr(bad) in str(caught.value)
    default = make(name, n_samples=200, random_state=0)
    for value in (option.low, option.high):
        ds = make(name, n_samples=200, random_state=0, **{option_name: value})
        assert ds != default or value == option.default
    # None means the default.
    assert make(name, n_samples=200, random_state=0, **{option_name: None}) == default


def test_unknown_generator_is_a_value_error_listing_the_names():
    with pytest.raises(ValueError, match=r"'nope'.*moons"):
        make("nope")


def test_make_is_exported_and_defaults_come_from_the_spec():
    ds = datasets.make("circles", random_state=0)
    spec = GENERATORS["circles"]
    assert ds.n_samples == spec.default_n_samples
    explicit = make("circles", n_samples=spec.default_n_samples, noise=spec.default_noise, random_state=0,
                    factor=spec.option("factor").default)
    assert explicit == ds


def test_numpy_integers_are_accepted():
    ds = make("blobs", n_samples=np.int64(40), noise=np.float32(0.1), random_state=np.int64(3), n_classes=np.int8(4))
    assert ds.n_samples == 40 and ds.n_classes == 4


# ----------------------------------------------------------------- geometry


def test_moons_shapes_are_two_reflected_half_circles():
    ds = make("moons", n_samples=1000, noise=0.0, random_state=0)
    upper = ds.X[ds.y == 0] + [0.5, 0.25]
    lower = -ds.X[ds.y == 1] + [0.5, 0.25]
    for half in (upper, lower):
        assert np.allclose(np.hypot(half[:, 0], half[:, 1]), 1.0)
        assert (half[:, 1] >= -1e-12).all()
    assert ds.X[:, 0].min() >= -1.5 and ds.X[:, 0].max() <= 1.5
    assert ds.X[:, 1].min() >= -0.75 and ds.X[:, 1].max() <= 0.75


@pytest.mark.parametrize("factor", [0.1, 0.5, 0.9])
def test_circles_radii(factor):
    ds = make("circles", n_samples=500, noise=0.0, random_state=0, factor=factor)
    radius = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert np.allclose(radius[ds.y == 0], 1.0)
    assert np.allclose(radius[ds.y == 1], factor)


def test_xor_labels_are_the_sign_product():
    ds = make("xor", n_samples=1000, noise=0.0, random_state=0)
    assert np.array_equal(ds.y, (ds.X[:, 0] * ds.X[:, 1] < 0).astype(int))
    assert np.abs(ds.X).max() <= 1.0


@pytest.mark.parametrize("n_classes", [2, 3, 8])
def test_blobs_centres_on_the_unit_circle(n_classes):
    ds = make("blobs", n_samples=8000, noise=0.1, random_state=0, n_classes=n_classes)
    assert ds.n_classes == n_classes
    for code in range(n_classes):
        angle = math.pi / 2 + 2 * math.pi * code / n_classes
        centre = ds.X[ds.y == code].mean(axis=0)
        assert centre == pytest.approx([math.cos(angle), math.sin(angle)], abs=0.02)
        assert ds.X[ds.y == code].std(axis=0) == pytest.approx([0.1, 0.1], rel=0.1)


@pytest.mark.parametrize("n_classes", [2, 5, 8])
def test_spiral_arms(n_classes):
    ds = make("spiral", n_samples=4000, noise=0.0, random_state=0, n_classes=n_classes, turns=1.0)
    radius = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert radius.min() >= 0.05 - 1e-12 and radius.max() <= 1.0
    # Each point's angle is 2 pi (r + c / k) (mod 2 pi).
    expected = 2 * np.pi * (radius + ds.y / n_classes)
    angle = np.arctan2(ds.X[:, 1], ds.X[:, 0])
    assert np.allclose(np.cos(angle - expected), 1.0)
    assert set(np.unique(ds.y)) == set(range(n_classes))


@pytest.mark.parametrize("margin", [0.0, 0.2, 0.8])
def test_linear_is_separable_with_the_margin(margin):
    ds = make("linear", n_samples=600, noise=0.0, random_state=3, margin=margin)
    angles = np.linspace(0, 2 * np.pi, 7200, endpoint=False)
    normals = np.column_stack([np.cos(angles), np.sin(angles)])  # (a, 2)
    projections = ds.X @ normals.T  # (n, a)
    gaps = projections[ds.y == 1].min(axis=0) - projections[ds.y == 0].max(axis=0)
    assert gaps.max() >= margin - 1e-3  # the best direction separates with the margin
    assert gaps.max() > 0 or margin == 0
    assert np.hypot(ds.X[:, 0], ds.X[:, 1]).max() <= math.sqrt(2) + 1e-12


def test_line_follows_its_equation():
    ds = make("line", n_samples=500, noise=0.0, random_state=0, slope=-2.0, intercept=0.75)
    assert np.allclose(ds.y, -2.0 * ds.X[:, 0] + 0.75)
    assert ds.feature_names == ("x",)


@pytest.mark.parametrize("frequency", [0.25, 1.0, 5.0])
def test_sine_follows_its_equation(frequency):
    ds = make("sine", n_samples=500, noise=0.0, random_state=0, frequency=frequency)
    assert np.allclose(ds.y, np.sin(np.pi * frequency * ds.X[:, 0]))


def test_plane_follows_its_equation():
    ds = make("plane", n_samples=500, noise=0.0, random_state=0)
    assert np.allclose(ds.y, 0.8 * ds.X[:, 0] - 0.5 * ds.X[:, 1] + 0.2)


def test_a_single_bump_is_a_gaussian_at_the_origin():
    ds = make("bumps", n_samples=500, noise=0.0, random_state=0, n_bumps=1, width=0.4)
    assert np.allclose(ds.y, np.exp(-(ds.X**2).sum(axis=1) / (2 * 0.4**2)))


@pytest.mark.parametrize("n_bumps", range(1, 9))
@pytest.mark.parametrize("width", [0.1, 0.3, 0.6])
def test_bumps_fill_their_documented_range(n_bumps, width):
    # The surface is scaled to a peak of 1 whatever the options, even when
    # wide bumps of opposite signs nearly cancel.
    ds = make("bumps", n_samples=5000, noise=0.0, random_state=n_bumps, n_bumps=n_bumps, width=width)
    assert np.abs(ds.y).max() <= 1.01
    assert np.abs(ds.y).max() >= 0.9
    if n_bumps > 1 and width <= 0.3:  # separate bumps: some go up, some down
        assert ds.y.min() < -0.3 and ds.y.max() > 0.3


@pytest.mark.parametrize("window", [1, 3, 8, 32])
def test_time_series_windows_predict_the_next_value(window):
    ds = make("time_series", n_samples=200, noise=0.1, random_state=0, window=window)
    assert ds.X.shape == (200, window)
    assert ds.feature_names == tuple(f"t-{lag}" for lag in range(window, 0, -1))
    assert np.array_equal(ds.time, np.arange(window, 200 + window))
    # Row i+1's window is row i's window shifted by one, ending in y[i].
    assert np.array_equal(ds.X[1:, -1], ds.y[:-1])
    if window > 1:
        assert np.array_equal(ds.X[1:, :-1], ds.X[:-1, 1:])


def test_time_series_is_periodic():
    ds = make("time_series", n_samples=400, noise=0.0, random_state=0, period=20.0, window=2)
    assert np.allclose(ds.y[20:], ds.y[:-20])
    assert np.abs(ds.y).max() <= 1.4


def test_option_lookup_and_conversion():
    spec = GENERATORS["spiral"]
    assert spec.option("turns").validate(2, "spiral") == 2.0
    assert isinstance(spec.option("turns").validate(2, "spiral"), float)
    assert spec.option("n_classes").validate(np.int16(3), "spiral") == 3
    with pytest.raises(ValueError, match=r"no option 'arms' \(its options: n_classes, turns\)"):
        spec.option("arms")
