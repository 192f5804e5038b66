"""What changed between two runs, in a few words for the ghost curves'
labels ("lr 0.01 → 0.1", "seed 0 → 1", "features x1, x2 → x1, x2, x1^2").

A run's settings are a flat dict of short names to display values
(:func:`run_settings`); :func:`describe_change` lists the names whose
values differ. No Qt: plain values in, text out.
"""

from __future__ import annotations

import math

__all__ = ["run_settings", "describe_change", "SHORT_NAMES"]

#: how a hyperparameter is named on a label (others: their name, spaces for underscores)
SHORT_NAMES = {"learning_rate": "lr", "l2": "L2", "l1": "L1", "hidden_layers": "hidden", "random_state": "seed",
               "batch_size": "batch", "max_epochs": "epochs", "validation_fraction": "validation",
               "early_stopping": "early stopping"}
#: settings that do not change the run's course (Max epochs only says where it stops)
IGNORED = ("max_epochs", "task")
#: the longest label: longer ones end with "…"
MAX_LABEL = 80


def _text(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else str(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(map(str, value)) + ")" if value else "none"
    return str(value)


def run_settings(model_label: str, params: dict, transform, dataset) -> dict:
    """The settings a run starts with, by short name: the model, every
    hyperparameter that shapes training, the input features and the data."""
    settings = {"model": model_label}
    for name, value in params.items():
        if name in IGNORED:
            continue
        if name == "batch_size" and value is None:
            value = "full"
        settings[SHORT_NAMES.get(name, name.replace("_", " "))] = _text(value)
    settings["features"] = ", ".join(transform.names) if transform is not None else ", ".join(
        dataset.feature_names) if dataset.n_features <= 2 else f"{dataset.n_features} columns"
    settings["data"] = dataset.name or "unnamed"
    settings["rows"] = f"{dataset.n_samples:,}"
    settings["task"] = dataset.task
    settings["_data_id"] = id(dataset)  # other points under the same name and size
    return settings


def describe_change(before: dict, after: dict) -> str:
    """``"lr 0.01 → 0.1, seed 0 → 1"``: each setting that differs, old →
    new (the model's own settings only when the model stayed the same);
    "new data" for other points under the same name; "same settings" when
    nothing differs (a restart)."""
    if before.get("model") != after.get("model"):
        changes = [f"{before.get('model')} → {after.get('model')}"]
        keys = [key for key in ("features", "data", "rows") if before.get(key) != after.get(key)]
    else:
        keys = [key for key in after if not key.startswith("_") and key not in ("model", "task")
                and before.get(key) != after.get(key)]
        changes = []
    for key in keys:
        changes.append(f"{key} {before.get(key, '–')} → {after[key]}")
    if not changes and before.get("_data_id") != after.get("_data_id"):
        changes.append("new data")
    text = ", ".join(changes) or "same settings"
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"
