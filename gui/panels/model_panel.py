"""The model panel: which model, its hyperparameters (a form built from the
model's ``PARAMS``), the precision training computes in and, on data with one
or two features, the model's input features (every model: a logistic
regression on x1², x2² draws a circle, a linear regression on x, x², x³ fits a
cubic)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from algorithms import MODELS
from algorithms.preprocessing import FEATURES, FEATURES_1D, MAX_DEGREE, FeatureTransform
from gui.options import DEFAULT_DTYPE, DTYPES
from gui.panels.fields import FittingStack
from gui.panels.param_form import ParamForm

#: parameters the window sets from the dataset, not the person
DERIVED_PARAMS = ("task",)
#: parameters the window applies to the running trainer itself, though a
#: model's own loop reads them once: Max epochs moves where training stops
WINDOW_LIVE = ("max_epochs",)
#: the model offered first when the current one cannot learn the data
DEFAULT_MODEL = "nn"
#: input features exist for data with this many features (FEATURES, FEATURES_1D)
FEATURE_INPUTS = (1, 2)
DEFAULT_FEATURES = ("x1", "x2")
#: what the precision box says for each of gui.options.DTYPES
DTYPE_LABELS = {"float32": "float32 (faster)", "float64": "float64 (more digits)"}


class ModelPanel(QWidget):
    """Signals:

    - ``model_changed(str)``: something that needs a new model changed (the
      model, a non-live hyperparameter, the input features); the text says
      what, for the status bar.
    - ``live_params_changed(dict)``: live hyperparameters (``Param.live``)
      changed; they apply to the running model at its next epoch.

    ``dtype`` is the precision the window trains in (``gui.options.DTYPES``,
    float32 by default): the worker hands the model its rows at that dtype,
    and the library computes in the dtype it is given. Changing it is a
    ``model_changed``.
    """

    model_changed = Signal(str)
    live_params_changed = Signal(dict)

    def __init__(self, models: dict | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models = dict(MODELS if models is None else models)
        self._task = "classification"
        self._n_classes: int | None = 2
        self._n_features = 2
        self._forms: dict[str, ParamForm] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QFormLayout()
        self.model_combo = QComboBox()
        self.model_combo.setToolTip("The model to train. Only models that can learn this dataset's task are listed.")
        self.model_combo.currentIndexChanged.connect(self._on_model_chosen)
        top.addRow("Model", self.model_combo)
        self.dtype_combo = QComboBox()
        for name in DTYPES:
            self.dtype_combo.addItem(DTYPE_LABELS[name], name)
        self.dtype_combo.setCurrentIndex(DTYPES.index(DEFAULT_DTYPE))
        self.dtype_combo.setToolTip(
            "The floating-point precision training computes in. float32 trains 1.2-1.9x faster and the "
            "pictures look the same; float64 keeps about 16 digits instead of 7 (it matters for values far "
            "from 1 without normalisation, or to compare with other float64 code). Changing it resets the model."
        )
        self.dtype_combo.currentIndexChanged.connect(self._on_dtype_chosen)
        top.addRow("Precision", self.dtype_combo)
        layout.addLayout(top)

        self.form_stack = FittingStack()
        layout.addWidget(self.form_stack)
        legend = QLabel("⚡ live: applies at the next epoch; other changes reset the model.")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: palette(dark); font-size: 8pt;")
        layout.addWidget(legend)

        self.features_box = QGroupBox("Input features")
        self.features_box.setToolTip(
            "What the model sees: the raw coordinates and/or transforms of them "
            "(as in TensorFlow Playground). Changing them resets the model."
        )
        grid = self._features_grid = QGridLayout(self.features_box)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.setSpacing(4)
        self.feature_checks: dict[str, QCheckBox] = {}
        for index, name in enumerate(FEATURES):
            check = QCheckBox(name)
            check.setChecked(name in DEFAULT_FEATURES)
            check.setToolTip(f"Feed {name} to the model as an input.")
            check.toggled.connect(self._on_feature_toggled)
            grid.addWidget(check, index // 4, index % 4)
            self.feature_checks[name] = check
        degree_row = len(FEATURES) // 4 + 1
        grid.addWidget(QLabel("Polynomial degree"), degree_row, 0, 1, 2)
        self.degree_spin = QSpinBox()
        self.degree_spin.setRange(1, MAX_DEGREE)
        self.degree_spin.setKeyboardTracking(False)
        self.degree_spin.setToolTip(
            "Add every polynomial term x1^a·x2^b of total degree 2 … this (1: none); on one feature "
            "x1², x1³, …: a curve the model is still linear in. Changing it resets the model."
        )
        self.degree_spin.valueChanged.connect(self._on_degree_changed)
        grid.addWidget(self.degree_spin, degree_row, 2, 1, 2)
        layout.addWidget(self.features_box)
        layout.addStretch(1)
        self._refill_models()

    # --- what the window asks -------------------------------------------------
    @property
    def model_key(self) -> str:
        return self.model_combo.currentData()

    @property
    def model_class(self):
        return self._models[self.model_key]

    def form(self, key: str | None = None) -> ParamForm:
        """The hyperparameter form of model ``key`` (default: the current one)."""
        key = key or self.model_key
        if key not in self._forms:
            cls = self._models[key]
            form = ParamForm(cls.PARAMS, hidden=DERIVED_PARAMS, live=WINDOW_LIVE)
            form.param_changed.connect(self._on_param_changed)
            self._forms[key] = form
            self.form_stack.addWidget(form)
        return self._forms[key]

    def params(self) -> dict:
        """Constructor keywords for the current model (task from the dataset)."""
        params = self.form().values()
        declared = {p.name for p in self.model_class.PARAMS}
        if "task" in declared:
            params["task"] = self._task
        return params

    def build_model(self):
        """A new, unfitted model with the form's hyperparameters."""
        return self.model_class(**self.params())

    @property
    def dtype(self) -> str:
        """The precision chosen for training: "float32" or "float64"."""
        return self.dtype_combo.currentData()

    def set_dtype(self, dtype: str) -> None:
        """Show ``dtype`` (one of ``gui.options.DTYPES``) without announcing a
        change (the window's starting point, e.g. ``--dtype``)."""
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        self.dtype_combo.blockSignals(True)
        self.dtype_combo.setCurrentIndex(DTYPES.index(dtype))
        self.dtype_combo.blockSignals(False)

    def features_apply(self) -> bool:
        """Whether the data has the one or two features the input transforms take."""
        return self._n_features in FEATURE_INPUTS

    def _offered_features(self) -> tuple[str, ...]:
        return FEATURES_1D if self._n_features == 1 else FEATURES

    def build_transform(self) -> FeatureTransform | None:
        """The input transform, or None when the model sees raw features."""
        if not self.features_apply():
            return None
        n_inputs = self._n_features
        features = tuple(name for name in self._offered_features() if self.feature_checks[name].isChecked())
        degree = self.degree_spin.value()
        if features == DEFAULT_FEATURES[:n_inputs] and degree == 1:
            return None
        return FeatureTransform(features=features, degree=degree, n_inputs=n_inputs)

    def _show_features(self) -> None:
        """The features box, with the features the data's inputs offer, side
        by side (four to a row)."""
        offered = self._offered_features()
        grid = self._features_grid
        for name, check in self.feature_checks.items():
            grid.removeWidget(check)
            check.setVisible(name in offered)
        for index, name in enumerate(offered):
            grid.addWidget(self.feature_checks[name], index // 4, index % 4)
        if not any(self.feature_checks[name].isChecked() for name in offered):
            # e.g. only x2 was ticked and the data has one feature now: the
            # model sees x1, and the box says so
            check = self.feature_checks["x1"]
            check.blockSignals(True)
            check.setChecked(True)
            check.blockSignals(False)
        self.features_box.setVisible(self.features_apply())

    def set_task(self, task: str, n_classes: int | None, n_features: int) -> bool:
        """Offer the models that can learn ``task``. Returns True when the
        chosen model had to change (the window then builds a new one)."""
        before = self.model_key
        self._task, self._n_classes, self._n_features = task, n_classes, n_features
        self._refill_models(prefer=before)
        self._show_features()
        return self.model_key != before

    def set_model(self, model, transform: FeatureTransform | None = None) -> None:
        """Show ``model``'s class and hyperparameters, and ``transform``'s
        features (the window's starting point, e.g. from the command line)."""
        key = next((k for k, cls in self._models.items() if isinstance(model, cls)), None)
        if key is None:
            raise ValueError(f"model of type {type(model).__name__} is not one of {', '.join(self._models)}")
        index = self.model_combo.findData(key)
        if index >= 0:
            self.model_combo.blockSignals(True)
            self.model_combo.setCurrentIndex(index)
            self.model_combo.blockSignals(False)
        self.form(key).set_values(model.get_params())
        self.form_stack.setCurrentWidget(self.form(key))
        features = DEFAULT_FEATURES if transform is None else tuple(transform.features)
        for name, check in self.feature_checks.items():
            check.blockSignals(True)
            check.setChecked(name in features)
            check.blockSignals(False)
        self.degree_spin.blockSignals(True)
        self.degree_spin.setValue(1 if transform is None else int(transform.degree))
        self.degree_spin.blockSignals(False)
        self._show_features()

    def next_seed(self) -> int | None:
        """Move the model's seed on by one (Reset: new initial weights, still
        reproducible), from the largest seed back to the smallest. Returns the
        new seed, or None without a seed (no seed: every start draws new
        weights anyway)."""
        form = self.form()
        field = form.fields.get("random_state")
        if field is None or field.value() is None:
            return None
        declared = next(param for param in self.model_class.PARAMS if param.name == "random_state")
        seed = field.value() + 1
        if seed > declared.high:  # past the largest seed: round to the first, like a counter
            seed = int(declared.low)
        field.set_value(seed)
        return seed

    def live_param_names(self) -> set[str]:
        return set(self.form().live)

    # --- internals ---------------------------------------------------------------
    def _refill_models(self, prefer: str | None = None) -> None:
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for key, cls in self._models.items():
            if cls.supports(self._task, self._n_classes):
                self.model_combo.addItem(cls.LABEL, key)
        if self.model_combo.count() == 0:  # nothing fits: offer everything, training will say why
            for key, cls in self._models.items():
                self.model_combo.addItem(cls.LABEL, key)
        index = self.model_combo.findData(prefer) if prefer else -1
        if index < 0:
            index = self.model_combo.findData(DEFAULT_MODEL)
        self.model_combo.setCurrentIndex(max(index, 0))
        self.model_combo.blockSignals(False)
        self.form_stack.setCurrentWidget(self.form())

    def _on_model_chosen(self, _index: int) -> None:
        if self.model_combo.currentData() is None:
            return
        self.form_stack.setCurrentWidget(self.form())
        self.model_changed.emit(f"model changed to {self.model_class.LABEL.lower()}")

    def _on_dtype_chosen(self, _index: int) -> None:
        self.model_changed.emit(f"precision changed to {self.dtype}")

    def _on_param_changed(self, name: str) -> None:
        form = self.sender()
        if form is not self.form():
            return
        declaration = form.declarations[name]
        if name in form.live:
            self.live_params_changed.emit({name: form.fields[name].value()})
        else:
            self.model_changed.emit(f"{declaration.label.lower()} changed")

    def _on_feature_toggled(self, checked: bool) -> None:
        if not any(self.feature_checks[name].isChecked() for name in self._offered_features()):
            # The model needs at least one input: undo the last untick.
            check = self.sender()
            check.blockSignals(True)
            check.setChecked(True)
            check.blockSignals(False)
            return
        self.model_changed.emit("input features changed")

    def _on_degree_changed(self, _value: int) -> None:
        self.model_changed.emit("polynomial degree changed")
