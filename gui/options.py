"""Command-line options shared by ``python main.py`` (the window) and
``python main.py gif`` (headless GIF rendering), and the one function that turns
them into a dataset, a model and an input-feature transform.

Nothing here imports Qt, so ``--help`` and option errors answer instantly. The
model options are derived from each model's ``PARAMS`` declaration, so a new
hyperparameter is reachable from the command line (``--param name=value``)
without touching this file.
"""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_DATASET = "spiral"
DEFAULT_MODEL = "nn"
#: the floating-point precisions training can compute in, the default first:
#: float32 trains 1.2-1.9x faster (benchmarks/bench_training.py) and the
#: pictures are drawn from float32 snapshots anyway; float64 keeps more
#: digits, for values far from 1 without normalisation
DTYPES = ("float32", "float64")
DEFAULT_DTYPE = DTYPES[0]


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the dataset and model options, and ``--session``, to ``parser``."""
    parser.add_argument_group("session").add_argument(
        "--session", metavar="FILE",
        help="a saved run (.mlfs, File > Save session in the window): its data, model, features and weights, "
             "instead of the options below")
    data = parser.add_argument_group("dataset (one of --dataset, --csv, --builtin)")
    data.add_argument(
        "--dataset",
        metavar="NAME",
        help=f"generated dataset (default {DEFAULT_DATASET}); one of: {', '.join(_generator_names())}",
    )
    data.add_argument("--samples", type=int, metavar="N", help="number of generated points")
    data.add_argument("--noise", type=float, metavar="F", help="noise level of the generator")
    data.add_argument("--classes", type=int, metavar="K", help="number of classes (blobs, spiral)")
    data.add_argument(
        "--data-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other generator option, e.g. --data-option margin=0.3 (repeatable)",
    )
    data.add_argument("--csv", metavar="FILE", help="load the dataset from a CSV file with a header row")
    data.add_argument("--target", metavar="COLUMN", help="target column of --csv (default: the last)")
    data.add_argument(
        "--builtin", metavar="NAME", help=f"a bundled table; one of: {', '.join(_builtin_names())}"
    )
    low, high = seed_range()
    data.add_argument("--seed", type=int, default=0, metavar="N",
                      help=f"random seed for data and model, {low} to {high} (default 0)")

    model = parser.add_argument_group("model")
    model.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="NAME",
        help="nn (neural network, default), logistic (logistic regression) or linear (linear regression)",
    )
    model.add_argument("--hidden", metavar="W1,W2,...", help="hidden layer widths of the network, e.g. 16,16 ('' for none)")
    model.add_argument("--activation", metavar="NAME", help="relu, tanh, sigmoid, linear or leaky_relu")
    model.add_argument("--optimizer", metavar="NAME", help="sgd, momentum or adam")
    model.add_argument("--lr", type=float, metavar="F", help="learning rate")
    model.add_argument("--l2", type=float, metavar="F", help="L2 regularisation strength")
    model.add_argument("--batch-size", metavar="N", help="mini-batch size, or 'full' for full batch")
    model.add_argument("--epochs", type=int, metavar="N", help="maximum number of epochs")
    model.add_argument(
        "--features",
        metavar="F1,F2,...",
        help="input features of the model (default x1,x2); from: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2) "
        "(one-feature data: x1, x1^2, sin(x1))",
    )
    model.add_argument("--degree", type=int, default=1, metavar="N", help="add polynomial features up to this degree")
    model.add_argument(
        "--dtype",
        choices=DTYPES,
        default=DEFAULT_DTYPE,
        help="precision training computes in: float32 (default, faster) or float64 (more digits)",
    )
    model.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other model hyperparameter, e.g. --param early_stopping=true (repeatable)",
    )


def seed_range() -> tuple[int, int]:
    """The seeds the app accepts everywhere (the command line, the model's
    seed box, Reset's next seed): the models' ``random_state`` declaration,
    whose upper end is also the largest value a Qt spin box holds."""
    from algorithms.params import stopping_params

    declared = next(param for param in stopping_params(1) if param.name == "random_state")
    return int(declared.low), int(declared.high)


#: the command-line option of each model hyperparameter it sets directly
#: (any other is set with --param NAME=VALUE)
PARAM_OPTIONS = {
    "hidden_layers": "--hidden", "activation": "--activation", "optimizer": "--optimizer",
    "learning_rate": "--lr", "l2": "--l2", "batch_size": "--batch-size", "max_epochs": "--epochs",
    "random_state": "--seed",
}


def _generator_names() -> list[str]:
    import datasets

    return list(datasets.GENERATORS)


def _builtin_names() -> list[str]:
    import datasets

    return list(datasets.BUILTINS)


def _parse_pairs(pairs: list[str], option: str) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{option} expects KEY=VALUE, got {pair!r}")
        parsed[key.strip()] = value.strip()
    return parsed


def _convert(text: str, kind: Any, name: str) -> Any:
    """Turn the command-line text for parameter ``name`` into a value of ``kind``."""
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind == "layers":
            return tuple(int(part) for part in text.split(",") if part.strip())
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        return text
    except ValueError:
        kind_name = kind if isinstance(kind, str) else kind.__name__
        raise ValueError(f"{name} expects a value of type {kind_name}, got {text!r}") from None


def load_dataset(args: argparse.Namespace):
    """The dataset the options ask for: ``--csv``, ``--builtin`` or a generator."""
    import datasets

    sources = [opt for opt in ("dataset", "csv", "builtin") if getattr(args, opt, None)]
    if len(sources) > 1:
        raise ValueError("give only one of --dataset, --csv and --builtin, got " + ", ".join("--" + s for s in sources))
    if args.csv:
        try:
            return datasets.load_csv(args.csv, target=args.target)
        except datasets.CSVFormatError as error:
            raise ValueError(error.one_line()) from None  # a command line says why on one line
    if args.builtin:
        if args.builtin not in datasets.BUILTINS:
            raise ValueError(f"--builtin must be one of {', '.join(datasets.BUILTINS)}, got {args.builtin!r}")
        return datasets.load_builtin(args.builtin)
    name, options = generator_recipe(args)
    return datasets.make(name, **options)


def generator_recipe(args: argparse.Namespace) -> tuple[str, dict]:
    """``(name, options)``: the generator the options ask for (when neither
    ``--csv`` nor ``--builtin`` is given) and the keyword arguments of
    ``datasets.make`` that make its points, defaults filled in (what the
    window's data panel shows)."""
    import datasets

    name = args.dataset or DEFAULT_DATASET
    if name not in datasets.GENERATORS:
        raise ValueError(f"--dataset must be one of {', '.join(datasets.GENERATORS)}, got {name!r}")
    spec = datasets.GENERATORS[name]
    by_name = {option.name: option for option in spec.options}
    options = {
        key: _convert(value, by_name[key].kind if key in by_name else str, key)
        for key, value in _parse_pairs(args.data_option, "--data-option").items()
    }
    if args.classes is not None:
        if "n_classes" not in by_name:
            raise ValueError(f"--classes does not apply to the {name!r} dataset")
        options["n_classes"] = args.classes
    return name, {"n_samples": spec.default_n_samples if args.samples is None else args.samples,
                  "noise": spec.default_noise if args.noise is None else args.noise,
                  "random_state": args.seed, **options}


def build_model(args: argparse.Namespace, dataset):
    """The model the options ask for, checked against the dataset's task."""
    from algorithms import MODELS
    from algorithms.params import validate_param

    if args.model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, got {args.model!r}")
    cls = MODELS[args.model]
    n_classes = len(set(dataset.y.tolist())) if dataset.task == "classification" else None
    if not cls.supports(dataset.task, n_classes):
        what = f"{dataset.task} with {n_classes} classes" if n_classes else dataset.task
        raise ValueError(f"--model {args.model} ({cls.LABEL}) cannot learn {what}; use --model nn")
    declared = {param.name: param for param in cls.PARAMS}
    params: dict[str, Any] = {}
    option: dict[str, str] = {}  # the command-line option that set each parameter
    if "task" in declared:
        params["task"] = dataset.task
    if "random_state" in declared:
        params["random_state"], option["random_state"] = args.seed, "--seed"
    named = {
        "hidden_layers": args.hidden,
        "activation": args.activation,
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "l2": args.l2,
        "batch_size": args.batch_size,
        "max_epochs": args.epochs,
    }
    for name, value in named.items():
        if value is None:
            continue
        if name not in declared:
            raise ValueError(f"{PARAM_OPTIONS[name]} does not apply to --model {args.model}")
        if name == "batch_size":
            value = None if str(value).lower() in ("full", "none") else _convert(str(value), int, "--batch-size")
        elif name == "hidden_layers":
            value = _convert(value, "layers", "--hidden")
        params[name], option[name] = value, PARAM_OPTIONS[name]
    for key, text in _parse_pairs(args.param, "--param").items():
        if key not in declared:
            raise ValueError(f"--param {key}: {cls.LABEL} has no hyperparameter {key!r}; it has {', '.join(declared)}")
        param = declared[key]
        params[key] = None if param.optional and text.lower() == "none" else _convert(text, param.kind, key)
        option[key] = f"--param {key}"
    # Checked here, as fit() would: the window's form would otherwise clamp
    # a bad value into its range without a word (--epochs -1 became 1).
    for name, value in params.items():
        try:
            validate_param(declared[name], value)
        except ValueError as error:
            raise ValueError(f"{option.get(name, name)}: {error}") from None
    return cls(**params)


def build_transform(args: argparse.Namespace, dataset):
    """The input-feature transform, for data with one or two features (any
    model: a logistic regression on ``x1^2, x2^2`` draws a circle, a linear
    regression on ``x, x^2, x^3`` fits a cubic). One feature offers
    ``x1``, ``x1^2``, ``sin(x1)`` and the powers of ``--degree``."""
    from algorithms.preprocessing import FeatureTransform

    features = tuple(part.strip() for part in args.features.split(",") if part.strip()) if args.features else None
    if features is None and args.degree == 1:
        return None
    if dataset.n_features not in (1, 2):
        raise ValueError(f"--features and --degree need a dataset with 1 or 2 features, "
                         f"this one has {dataset.n_features}")
    try:
        return FeatureTransform(features=features, degree=args.degree, n_inputs=dataset.n_features)
    except ValueError as error:
        message = str(error)
        option = "--degree" if message.startswith("degree") else "--features"
        raise ValueError(f"{option}: {message.removeprefix('features: ')}") from None


def given_run_options(args: argparse.Namespace) -> list[str]:
    """The dataset and model options given on the command line (not left at
    their defaults), as they are spelled there: what ``--session`` replaces."""
    defaults = argparse.ArgumentParser()
    add_run_arguments(defaults)
    default_values = vars(defaults.parse_args([]))
    given = []
    for action in defaults._actions:  # noqa: SLF001 - argparse keeps its options here
        if action.dest in ("help", "session") or not action.option_strings:
            continue
        if getattr(args, action.dest, default_values[action.dest]) != default_values[action.dest]:
            given.append(action.option_strings[0])
    return given


def check_run_arguments(args: argparse.Namespace) -> None:
    """Raise ``ValueError`` with a one-line reason for options that are wrong
    whatever the data: a seed out of range, ``--target`` without ``--csv``,
    dataset or model options beside ``--session``."""
    if getattr(args, "session", None):
        given = given_run_options(args)
        if given:
            raise ValueError(f"--session brings its own data and model; drop {', '.join(given)} "
                             f"(or drop --session)")
    low, high = seed_range()
    if not low <= args.seed <= high:
        raise ValueError(f"--seed must be between {low} and {high}, got {args.seed}")
    if args.target is not None and not args.csv:
        raise ValueError("--target names a column of --csv FILE; give --csv too")


def build_run(args: argparse.Namespace):
    """``(dataset, model, transform)`` for the parsed options.

    ``transform`` is ``None`` when the model sees the raw features. Raises
    ``ValueError`` with a one-line reason that names the offending option.
    """
    check_run_arguments(args)
    dataset = load_dataset(args)
    if dataset.n_samples == 0:
        raise ValueError("the dataset is empty")
    model = build_model(args, dataset)
    transform = build_transform(args, dataset)
    return dataset, model, transform


def run_command(recipe: dict, model, transform=None, epochs: int | None = None,
                dtype: str = DEFAULT_DTYPE) -> list[str]:
    """The ``main.py gif`` arguments that replay a run headless: the data
    ``recipe`` (``{"kind": "generator", "name", "options"}`` or
    ``{"kind": "builtin", "name"}``, as a session stores it), ``model``'s
    class and the hyperparameters that differ from its defaults, its seed,
    the input features of ``transform``, the precision ``dtype`` when it is
    not the default, and ``epochs`` (default: the model's ``max_epochs``) as
    ``--epochs``. ``build_run`` on these arguments makes the same dataset,
    model and transform."""
    import datasets
    from algorithms import MODELS

    args = ["gif"]
    data_seed = None
    if recipe["kind"] == "builtin":
        args += ["--builtin", recipe["name"]]
    else:
        name, options = recipe["name"], dict(recipe["options"])
        spec = datasets.GENERATORS[name]
        args += ["--dataset", name]
        n_samples, noise = options.pop("n_samples", None), options.pop("noise", None)
        if n_samples is not None and n_samples != spec.default_n_samples:
            args += ["--samples", str(n_samples)]
        if noise is not None and noise != spec.default_noise:
            args += ["--noise", repr(float(noise))]
        data_seed = options.pop("random_state", None)
        if "n_classes" in options:
            args += ["--classes", str(options.pop("n_classes"))]
        defaults = {option.name: option.default for option in spec.options}
        for key, value in options.items():
            if value != defaults.get(key):
                args += ["--data-option", f"{key}={_command_text(value)}"]
    key = next(key for key, cls in MODELS.items() if type(model) is cls)
    args += ["--model", key]
    params = model.get_params()
    seed = params.get("random_state")
    command_seed = data_seed if data_seed is not None else seed
    if command_seed is not None and command_seed != 0:
        args += ["--seed", str(command_seed)]
    for param in type(model).PARAMS:
        name, value = param.name, params[param.name]
        if name in ("task", "max_epochs"):
            continue  # the data's task; the epochs come last
        if name == "random_state":
            if value != (0 if command_seed is None else command_seed):
                args += ["--param", f"random_state={_command_text(value)}"]
            continue
        if value == param.default and not (name == "batch_size" and value is None and param.default is not None):
            continue
        option = PARAM_OPTIONS.get(name)
        if name == "batch_size":
            args += ["--batch-size", "full" if value is None else str(value)]
        elif name == "hidden_layers":
            args += ["--hidden", ",".join(str(width) for width in value)]
        elif option is not None:
            args += [option, _command_text(value)]
        else:
            args += ["--param", f"{name}={_command_text(value)}"]
    if transform is not None:
        args += ["--features", ",".join(transform.features)]
        if transform.degree != 1:
            args += ["--degree", str(transform.degree)]
    if dtype != DEFAULT_DTYPE:
        args += ["--dtype", dtype]
    args += ["--epochs", str(int(epochs if epochs else params["max_epochs"]))]
    return args


def _command_text(value) -> str:
    """A value as the command line's options read it back (``_convert``)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)
