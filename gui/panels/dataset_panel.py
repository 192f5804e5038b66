"""The dataset panel: a generator and its options (built from its
``GeneratorSpec``), Regenerate, the bundled tables, CSV load/save, and for
data with more than two features the two features the view shows.

Load CSV reads the file off the GUI thread (``csv_loader``, with a progress
bar and Cancel under the buttons) and shows the import dialog; the finished
dataset arrives as ``dataset_chosen`` like any other. Its notes (rows
dropped, columns left out) are shown under the summary line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import datasets
from gui.panels.csv_loader import CsvLoader, CsvLoadProgress
from gui.panels.fields import FittingStack, FloatField, IntField
from gui.panels.messages import plain_label, show_error
from gui.panels.param_form import ParamForm

#: largest number of generated points offered (the 100k-point benchmark fits)
MAX_SAMPLES = 200_000
TASK_TITLES = {"classification": "Classification", "regression": "Regression"}
CUSTOM_LABEL = "Drawn or loaded data"


def dataset_title(dataset) -> str:
    """The dataset's name for people: "Two moons", "Spiral, 3 arms",
    "Gaussian blobs, 4 classes", "Iris flowers"; a loaded or drawn dataset
    keeps its own name."""
    name = dataset.name
    if name in datasets.GENERATORS:
        spec = datasets.GENERATORS[name]
        title = spec.label
        classes = next((option for option in spec.options if option.name == "n_classes"), None)
        if classes is not None and dataset.task == "classification":
            title += f", {dataset.n_classes} {classes.label.lower()}"
        return title
    if name in datasets.BUILTINS:
        return datasets.BUILTINS[name].split(" (")[0]
    return name or "unnamed data"


def describe(dataset) -> str:
    """One line about a dataset: "moons · 200 samples · 2 features · 2 classes"."""
    def count(n: int, noun: str, plural: str) -> str:
        return f"{n:,} {noun if n == 1 else plural}"

    parts = [
        dataset_title(dataset),
        count(dataset.n_samples, "sample", "samples"),
        count(dataset.n_features, "feature", "features"),
    ]
    if dataset.task == "classification":
        parts.append(count(dataset.n_classes, "class", "classes"))
    else:
        parts.append("regression")
    return " · ".join(parts)


def _source_label(name: str) -> str:
    """The panel's label of the generator or table called ``name`` ("Two
    moons"), else the name in quotes."""
    if name in datasets.GENERATORS:
        return datasets.GENERATORS[name].label
    if name in datasets.BUILTINS:
        return datasets.BUILTINS[name]
    return f"“{name or 'unnamed'}”"


class GeneratorOptions(QWidget):
    """Samples, noise, the generator's own options and the seed, for one
    ``GeneratorSpec``."""

    def __init__(self, spec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setVerticalSpacing(3)
        self.samples = IntField(1, MAX_SAMPLES, spec.default_n_samples)
        self.samples.spin.setSingleStep(50)
        self.samples.setToolTip("Number of points to generate.")
        self.samples.spin.setToolTip(self.samples.toolTip())
        layout.addRow("Samples", self.samples)
        self.noise = FloatField(0.0, spec.max_noise, spec.default_noise)
        self.noise.setToolTip(f"How much the points scatter (0 … {spec.max_noise:g}).")
        self.noise.spin.setToolTip(self.noise.toolTip())
        layout.addRow("Noise", self.noise)
        self.options = ParamForm(spec.options)
        layout.addRow(self.options)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("Random seed of the generator: the same seed gives the same points.")
        layout.addRow("Seed", self.seed)

    def values(self) -> dict:
        return {
            "n_samples": self.samples.value(),
            "noise": self.noise.value(),
            "random_state": self.seed.value(),
            **self.options.values(),
        }

    def set_values(self, values: dict) -> None:
        """Show ``values`` (the keys ``values()`` gives) without emitting
        (a session or the command line made the data with them)."""
        if "n_samples" in values:
            self.samples.set_value(values["n_samples"])
        if "noise" in values and values["noise"] is not None:
            self.noise.set_value(values["noise"])
        if values.get("random_state") is not None:
            self.seed.blockSignals(True)
            self.seed.setValue(int(values["random_state"]))
            self.seed.blockSignals(False)
        self.options.set_values({name: value for name, value in values.items()
                                 if name not in ("n_samples", "noise", "random_state")})

    def generate(self):
        return datasets.make(self.spec.name, **self.values())


class DatasetPanel(QWidget):
    """Signals:

    - ``dataset_chosen(Dataset)``: the person made or picked new data.
    - ``features_chosen(int, int)``: the columns on the view's axes changed.
    - ``two_features_toggled(bool)``: train on the two shown features only
      (the surface is then the whole model, not a slice), or on all.
    """

    dataset_chosen = Signal(object)
    features_chosen = Signal(int, int)
    two_features_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dataset = None
        self._made = None  # the data the selected entry made (generated or loaded), before any edit
        self.error_box = None  # the last error box shown (a save that failed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        top = QFormLayout()
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.source_combo = QComboBox()
        self.source_combo.setToolTip("Generate a dataset, or pick one of the real tables shipped with the app.")
        self.source_combo.setMaxVisibleItems(24)
        self._fill_sources()
        self.source_combo.currentIndexChanged.connect(self._on_source_chosen)
        top.addRow("Dataset", self.source_combo)
        layout.addLayout(top)

        self.options_stack = FittingStack()
        self._option_forms: dict[str, GeneratorOptions] = {}
        self._no_options = QLabel("A real dataset, loaded as is.")
        self._no_options.setWordWrap(True)
        self.options_stack.addWidget(self._no_options)
        self._custom_note = plain_label(QLabel())
        self._custom_note.setWordWrap(True)
        self.options_stack.addWidget(self._custom_note)
        layout.addWidget(self.options_stack)

        buttons = QHBoxLayout()
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Draw new random points with the next seed.")
        self.regenerate_button.clicked.connect(self._on_regenerate_clicked)
        self.load_button = QPushButton("Load CSV…")
        self.load_button.setToolTip("Load a CSV file with a header row: a preview shows each column, and you "
                                    "pick the target, the features and what to do with missing values and text.")
        self.load_button.clicked.connect(self._on_load_clicked)
        self.save_button = QPushButton("Save CSV…")
        self.save_button.setToolTip("Save the current dataset (generated or drawn) as a CSV file.")
        self.save_button.clicked.connect(self._on_save_clicked)
        for button in (self.regenerate_button, self.load_button, self.save_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.load_progress = CsvLoadProgress()
        layout.addWidget(self.load_progress)
        self.csv_loader = CsvLoader(self, self.load_progress)
        self.csv_loader.loaded.connect(self._on_csv_loaded)
        self.csv_loader.busy_changed.connect(self._on_loading_changed)

        self.features_row = QWidget()
        features = QFormLayout(self.features_row)
        features.setContentsMargins(0, 0, 0, 0)
        self.x_combo = QComboBox()
        self.x_combo.setToolTip("Feature on the horizontal axis. The others are held at their mean for the surface.")
        self.y_combo = QComboBox()
        self.y_combo.setToolTip("Feature on the vertical axis. The others are held at their mean for the surface.")
        self.x_combo.currentIndexChanged.connect(self._on_feature_chosen)
        self.y_combo.currentIndexChanged.connect(self._on_feature_chosen)
        features.addRow("Horizontal", self.x_combo)
        features.addRow("Vertical", self.y_combo)
        self.two_features_check = QCheckBox("Train on these two features only")
        self.two_features_check.setToolTip(
            "With more than two features the picture is a slice: the other features are held at their mean. "
            "Train on the two shown features alone and the picture is the whole model.")
        self.two_features_check.toggled.connect(self.two_features_toggled)
        features.addRow(self.two_features_check)
        self.features_row.setVisible(False)
        layout.addWidget(self.features_row)

        self.error_label = plain_label(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.summary = plain_label(QLabel())
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: palette(dark);")
        layout.addWidget(self.summary)

    # --- sources --------------------------------------------------------------------
    def _fill_sources(self) -> None:
        combo = self.source_combo
        model: QStandardItemModel = combo.model()

        def header(text: str) -> None:
            combo.addItem(text, None)
            item = model.item(combo.count() - 1)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            font = item.font()
            font.setBold(True)
            item.setFont(font)

        # Shown (and selectable) only while the data came from elsewhere:
        # drawn, loaded from a CSV file or given on the command line.
        combo.addItem(CUSTOM_LABEL, "custom:")
        combo.view().setRowHidden(0, True)
        for task in ("classification", "regression"):
            specs = [spec for spec in datasets.GENERATORS.values() if spec.task == task]
            if specs:
                header(TASK_TITLES[task])
                for spec in specs:
                    combo.addItem("   " + spec.label, f"generator:{spec.name}")
        if datasets.BUILTINS:
            header("Real data")
            for name, label in datasets.BUILTINS.items():
                combo.addItem("   " + label, f"builtin:{name}")

    def source(self) -> tuple[str, str] | None:
        """("generator" or "builtin", name) of the selected entry."""
        data = self.source_combo.currentData()
        return None if data is None else tuple(data.split(":", 1))

    def select_source(self, kind: str, name: str, *, emit: bool = True) -> None:
        index = self.source_combo.findData(f"{kind}:{name}")
        if index < 0:
            raise ValueError(f"no {kind} called {name!r}")
        if not emit:
            self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(index)
        if not emit:
            self.source_combo.blockSignals(False)
            self._show_options(kind, name)

    def generator_options(self, name: str | None = None) -> GeneratorOptions:
        if name is None:
            source = self.source()
            name = source[1] if source and source[0] == "generator" else None
        if name is None:
            raise ValueError("the current dataset is not generated")
        if name not in self._option_forms:
            form = GeneratorOptions(datasets.GENERATORS[name])
            form.samples.changed.connect(self._on_option_changed)
            form.noise.changed.connect(self._on_option_changed)
            form.options.param_changed.connect(self._on_option_changed)
            form.seed.valueChanged.connect(self._on_option_changed)
            self._option_forms[name] = form
            self.options_stack.addWidget(form)
        return self._option_forms[name]

    def _show_options(self, kind: str, name: str) -> None:
        if kind == "generator":
            self.options_stack.setCurrentWidget(self.generator_options(name))
        elif kind == "custom":
            self.options_stack.setCurrentWidget(self._custom_note)
        else:
            self.options_stack.setCurrentWidget(self._no_options)
        self.regenerate_button.setEnabled(kind == "generator")

    # --- making datasets --------------------------------------------------------------
    def generate(self):
        """The dataset the current generator and options make."""
        return self.generator_options().generate()

    def _choose(self, dataset) -> None:
        self.error_label.hide()
        self.set_current(dataset)
        self.dataset_chosen.emit(dataset)

    def _on_source_chosen(self, _index: int) -> None:
        source = self.source()
        if source is None or source[0] == "custom":
            return
        kind, name = source
        self._show_options(kind, name)
        try:
            dataset = self.generate() if kind == "generator" else datasets.load_builtin(name)
        except (ValueError, OSError) as exc:
            self._show_inline_error(exc)
            return
        self._choose(dataset)

    def _on_option_changed(self, *_args) -> None:
        try:
            dataset = self.generate()
        except ValueError as exc:
            self._show_inline_error(exc)
            return
        self._choose(dataset)

    def _show_inline_error(self, exc: BaseException) -> None:
        """Options that make no dataset: say why under the buttons, keep the
        current data (no dialog: the person is still adjusting)."""
        self.error_label.setText(f"Not generated: {exc}")
        self.error_label.show()

    def _on_regenerate_clicked(self) -> None:
        source = self.source()
        if source is None or source[0] != "generator":
            return
        seed = self.generator_options().seed
        # regenerates through _on_option_changed; from the largest seed back to 0
        seed.setValue(seed.value() + 1 if seed.value() < seed.maximum() else seed.minimum())

    def _on_load_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Load CSV", "", "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.csv_loader.start(path, ask=True)

    def load_csv(self, path: str, target: str | None = None, task: str | None = None, **options) -> None:
        """Load ``path`` off the GUI thread without the dialog (``target``,
        ``task`` and ``options`` as for ``datasets.load_csv``). The dataset
        arrives through ``dataset_chosen``; on error an error box says why
        and the current data stays (``csv_loader.failed``)."""
        self.csv_loader.start(path, ask=False, target=target, task=task, **options)

    def _on_csv_loaded(self, dataset) -> None:
        self._choose(dataset)

    def _on_loading_changed(self, busy: bool) -> None:
        self.load_button.setEnabled(not busy)

    def shutdown(self) -> None:
        """Stop a load under way and wait for its thread (the window is closing)."""
        self.csv_loader.shutdown()

    def _on_save_clicked(self) -> None:
        if self._dataset is None:
            return
        name = (self._dataset.name or "dataset") + ".csv"
        path, _filter = QFileDialog.getSaveFileName(self, "Save CSV", name, "CSV files (*.csv)")
        if not path:
            return
        try:
            datasets.save_csv(self._dataset, path)
        except (ValueError, OSError) as exc:
            self._show_error("Cannot save the dataset", exc)

    def _show_error(self, title: str, exc: BaseException) -> None:
        self.error_box = show_error(self, title, str(exc))

    # --- the current dataset ------------------------------------------------------------
    @property
    def dataset(self):
        return self._dataset

    def set_current(self, dataset, *, edited: bool = False) -> None:
        """Show ``dataset`` (chosen here or elsewhere: drawn, the command line).

        ``edited``: the data were changed by hand (Draw mode) from the
        current ones; the panel then no longer shows the entry that made
        them, unless they are exactly those it made (an undo back to them).
        """
        previous = self._dataset
        self._dataset = dataset
        self.summary.setText("\n".join((describe(dataset), *dataset.notes)))
        source = self.source()
        if edited and dataset is not self._made:
            known = dataset.name in datasets.GENERATORS or dataset.name in datasets.BUILTINS
            how = "edited" if known else "drawn or edited"
            self._show_custom(f"{_source_label(dataset.name)}, {how} in Draw mode: {dataset.n_samples:,} rows. "
                              f"Pick a dataset above to generate new points.")
        elif source is None or source[0] == "custom" or source[1] != dataset.name:
            # Not what the selected entry makes: say where it came from instead.
            self._show_custom(f"“{dataset.name or 'unnamed'}”: drawn or loaded data, {dataset.n_samples:,} rows. "
                              f"Pick a dataset above to generate one.")
        else:
            self._made = dataset
        same_features = previous is not None and previous.feature_names == dataset.feature_names
        if not same_features:
            self._fill_feature_combos(dataset)

    def _show_custom(self, note: str) -> None:
        """Select the "drawn or loaded" entry, with ``note`` in place of the options."""
        self._custom_note.setText(note)
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(0)
        self.source_combo.blockSignals(False)
        self._show_options("custom", "")

    def _fill_feature_combos(self, dataset) -> None:
        for combo, default in ((self.x_combo, 0), (self.y_combo, 1)):
            combo.blockSignals(True)
            combo.clear()
            for name in dataset.feature_names:
                combo.addItem(name)
            combo.setCurrentIndex(min(default, dataset.n_features - 1))
            combo.blockSignals(False)
        self._refuse_the_other_feature()
        # A time series' features are its past values: the view is the
        # series over time, with no axes to choose.
        self.features_row.setVisible(dataset.n_features > 2 and dataset.time is None)

    def shown_features(self) -> tuple[int, int]:
        return (max(self.x_combo.currentIndex(), 0), max(self.y_combo.currentIndex(), 0))

    def set_shown_features(self, first: int, second: int) -> None:
        """Choose the axes' features as the person would (emits features_chosen)."""
        if first == second:
            raise ValueError(f"the two axes need two different features, got {first} twice")
        for combo, index in ((self.x_combo, first), (self.y_combo, second)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._on_feature_chosen()

    def _refuse_the_other_feature(self) -> None:
        """Each combo offers every feature but the one on the other axis (the
        same feature twice would draw a line, not a plane)."""
        for combo, other in ((self.x_combo, self.y_combo), (self.y_combo, self.x_combo)):
            model = combo.model()
            for row in range(combo.count()):
                model.item(row).setEnabled(row != other.currentIndex())

    def _on_feature_chosen(self, *_args) -> None:
        self._refuse_the_other_feature()
        first, second = self.shown_features()
        if first == second:
            return  # not offered; set programmatically: wait for the other combo
        self.features_chosen.emit(first, second)
