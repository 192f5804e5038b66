"""Session files: a saved run opens bit for bit and trains on exactly as the
original; every damaged, truncated or hostile file is one SessionError
(no Qt here: the format is pure)."""

import dataclasses
import io
import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datasets
from algorithms import LinearRegression, NeuralNetwork, Trainer
from algorithms.preprocessing import FeatureTransform
from sessions import Session, SessionError, read_session, write_session
from sessions import archive as archive_module
from sessions.history import HistoryState


def _history(epochs: int, raw_limit: int = 64, block_limit: int = 16) -> HistoryState:
    """A loss-view history of ``epochs`` samples with small limits, so old
    epochs are kept as min/max blocks (the GUI's class, pure NumPy)."""
    from gui.views._history import PeakHistory

    history = PeakHistory(4, raw_limit=raw_limit, block_limit=block_limit)
    x = np.arange(1, epochs + 1, dtype=float)
    values = np.vstack([1 / x, np.full(epochs, np.nan), 1 - 1 / x, np.sin(x)])
    history.append(x, values)
    return history.state("accuracy")


def _trained_session(epochs=12, features=None, recipe=True):
    dataset = datasets.make("spiral", n_samples=200, noise=0.1, random_state=0)
    transform = None if features is None else FeatureTransform(features=features)
    model = NeuralNetwork(hidden_layers=(6, 5), batch_size=32, random_state=0)
    inputs = dataset.X if transform is None else transform.transform(dataset.X)
    trainer = Trainer(model, inputs, dataset.y, validation_fraction=0.2, keep_history=False)
    for _ in range(epochs):
        trainer.step()
    session = Session(
        dataset=dataset, model=model, transform=transform, trainer=trainer.state_dict(),
        recipe={"kind": "generator", "name": "spiral",
                "options": {"n_samples": 200, "noise": 0.1, "random_state": 0}} if recipe else None,
        history=_history(epochs), view={"log_scale": True, "speed": 30.0}, stop_reason=None)
    return session, trainer, inputs


@pytest.fixture
def saved(tmp_path):
    session, trainer, inputs = _trained_session()
    path = tmp_path / "run.mlfs"
    write_session(path, session)
    return path, session, trainer, inputs


def test_a_saved_session_opens_bit_for_bit_and_trains_on_like_the_original(saved):
    path, session, trainer, inputs = saved
    opened = read_session(path)
    assert opened.epoch == 12
    np.testing.assert_array_equal(opened.model._network.theta, session.model._network.theta)
    assert opened.model._network.theta.tobytes() == session.model._network.theta.tobytes()
    assert opened.dataset == session.dataset and opened.recipe == session.recipe
    assert opened.view["log_scale"] is True and opened.view["speed"] == 30.0 and opened.view["mistakes"] is False
    for level, original in zip(opened.history.levels, session.history.levels):
        assert (level.base, level.end) == (original.base, original.end)
        assert level.x.tobytes() == original.x.tobytes()
        assert level.low.tobytes() == original.low.tobytes() and level.high.tobytes() == original.high.tobytes()
    resumed = Trainer(opened.model, inputs, opened.dataset.y, validation_fraction=0.2, keep_history=False,
                      resume=opened.trainer)
    for _ in range(3):
        expected, got = trainer.step(), resumed.step()
        assert got == expected and got.epoch in (13, 14, 15)
    assert opened.model._network.theta.tobytes() == session.model._network.theta.tobytes()


def test_a_restored_history_grows_exactly_like_the_original():
    from gui.views._history import PeakHistory

    original = PeakHistory(4, raw_limit=64, block_limit=16)
    x = np.arange(1, 301, dtype=float)
    values = np.vstack([np.cos(x), x, -x, np.sqrt(x)])
    original.append(x[:200], values[:, :200])
    state = original.state("R²")
    description, arrays = state.to_document()
    restored = PeakHistory.from_state(HistoryState.from_document(json.loads(json.dumps(description)), arrays))
    for history in (original, restored):
        history.append(x[200:], values[:, 200:])
    for start, stop, blocks in ((0, 300, 20), (0, 300, 300), (150, 300, 10), (250, 300, 100)):
        for a, b in zip(original.display(start, stop, blocks), restored.display(start, stop, blocks)):
            np.testing.assert_array_equal(a, b)


def test_the_model_session_without_training_and_drawn_data_round_trips(tmp_path):
    dataset = datasets.Dataset(X=np.array([[0.0, 1.0], [2.0, 3.0], [1.0, 1.0]]), y=np.array([0, 1, 1]),
                               task="classification", feature_names=("a", "b"), class_names=("no", "yes"),
                               name="drawn")
    session = Session(dataset=dataset, model=NeuralNetwork(hidden_layers=(3,), random_state=5))
    write_session(tmp_path / "s.mlfs", session)
    opened = read_session(tmp_path / "s.mlfs")
    assert opened.epoch == 0 and opened.trainer is None and opened.history is None and opened.recipe is None
    assert opened.dataset == dataset and opened.model.get_params() == session.model.get_params()


def test_a_recipe_that_no_longer_makes_the_points_is_dropped(tmp_path):
    session, _, _ = _trained_session()
    session.recipe["options"]["noise"] = 0.3  # these points were not made with this noise
    write_session(tmp_path / "s.mlfs", session)
    opened = read_session(tmp_path / "s.mlfs")
    assert opened.recipe is None and opened.dataset == session.dataset


def test_a_failed_save_leaves_the_old_file(tmp_path):
    session, _, _ = _trained_session()
    path = tmp_path / "run.mlfs"
    write_session(path, session)
    before = path.read_bytes()
    session.model.classes_ = np.array([object(), object()], dtype=object)  # cannot be stored without pickle
    with pytest.raises(SessionError, match="cannot save this session"):
        write_session(path, session)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["run.mlfs"]  # no temporary file left behind


# -- malformed files ------------------------------------------------------------------------


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=array.dtype.hasobject)
    return buffer.getvalue()


def _edit_document(change):
    def edit(members):
        document = json.loads(members["session.json"])
        change(document)
        members["session.json"] = json.dumps(document).encode()
    return edit


def _replace_array(name, array):
    def edit(members):
        members[f"arrays/{name}.npy"] = _npy(array)
    return edit


def _object_array_member(members):
    members["arrays/model.theta.npy"] = _npy(np.array([{"evil": 1}], dtype=object))


def _lying_header(members):
    # A header that claims a billion floats, over a few bytes of data.
    data = _npy(np.zeros(3))
    members["arrays/model.theta.npy"] = data.replace(b"(3,)", b"(1000000000,)".ljust(4))


BAD_MEMBERS = {
    "no session.json": (lambda m: m.pop("session.json"), "session.json is missing"),
    "a stray file": (lambda m: m.update({"evil.py": b"print(1)"}), "unexpected file 'evil.py'"),
    "a path outside": (lambda m: m.update({"../x.npy": b""}), "unexpected file"),
    "json not utf-8": (lambda m: m.update({"session.json": b"\xff\xfe{}"}), "not UTF-8"),
    "json syntax": (lambda m: m.update({"session.json": b"{\"format\": "}), "not valid JSON"),
    "json NaN": (lambda m: m.update({"session.json": b"{\"a\": NaN}"}), "NaN is not allowed"),
    "json duplicate key": (lambda m: m.update({"session.json": b"{\"a\": 1, \"a\": 2}"}), "appears twice"),
    "json deep": (lambda m: m.update({"session.json": b"{\"a\": " + b"[" * 100000 + b"]" * 100000 + b"}"}),
                  "nested"),
    "json list": (lambda m: m.update({"session.json": b"[1, 2]"}), "must hold a JSON object"),
    "other format": (_edit_document(lambda d: d.update(format="zip")), "not a session file"),
    "newer version": (_edit_document(lambda d: d.update(version=2)), "version 2"),
    "unknown section": (_edit_document(lambda d: d.update(extra=1)), "unknown section 'extra'"),
    "missing section": (_edit_document(lambda d: d.pop("view")), "'view' is missing"),
    "pickled array": (_object_array_member, "only booleans, numbers and strings"),
    "lying array header": (_lying_header, "declares shape"),
    "stray array bytes": (lambda m: m.update({"arrays/model.theta.npy": _npy(np.zeros(3)) + b"xx"}),
                          "declares shape"),
    "not an array": (lambda m: m.update({"arrays/model.theta.npy": b"hello"}), "not a readable .npy"),
    "weights too short": (_replace_array("model.theta", np.zeros(5)), "'theta' has shape"),
    "weights of text": (_replace_array("model.theta", np.array(["a"] * 3)), "'theta' has dtype"),
    "array of no section": (_replace_array("theta", np.zeros(5)), "belongs to no section"),
    "array of unknown section": (_replace_array("ghost.theta", np.zeros(5)), "unknown section 'ghost'"),
    "points of strings": (_replace_array("dataset.X", np.array([["a", "b"]])), "X must hold floats"),
    "points with NaN": (_replace_array("dataset.X", np.full((200, 2), np.nan)), "X"),
    "labels as floats": (_replace_array("dataset.y", np.zeros(200)), "class codes"),
    "too few labels": (_replace_array("dataset.y", np.zeros(3, dtype=np.int64)), "y"),
    "unknown task": (_edit_document(lambda d: d["dataset"].update(task="ranking")), "task"),
    "unknown generator": (_edit_document(lambda d: d["dataset"]["recipe"].update(name="rm -rf")),
                          "names no generator"),
    "generator options": (_edit_document(lambda d: d["dataset"]["recipe"]["options"].update(noise="loud")),
                          "noise"),
    "huge generator": (_edit_document(lambda d: d["dataset"]["recipe"]["options"].update(n_samples=10**9)),
                       "n_samples"),
    "bad features": (_edit_document(lambda d: d.update(features={"features": ["x3"], "degree": 1})), "x3"),
    "model of other inputs": (_edit_document(lambda d: d.update(features={"features": ["x1"], "degree": 1})),
                              "takes 2 inputs"),
    "model hyperparameter": (_edit_document(lambda d: d["model"]["params"].update(learning_rate="fast")),
                             "learning_rate"),
    "linear model on classes": (_edit_document(lambda d: d["model"].update(model="linear")), "LinearRegression"),
    "trainer epoch": (_edit_document(lambda d: d["trainer"].update(epoch=-3)), "trainer.epoch"),
    "trainer rows": (_replace_array("trainer.val_index", np.arange(190, 230)), "val_index"),
    "trainer without model state": (_edit_document(lambda d: d["model"].update(fitted=False)),
                                    "not part of this model's state|not trained"),
    "history metric": (_edit_document(lambda d: d["history"].update(metric="R²")), "metric"),
    "history levels": (_edit_document(lambda d: d["history"]["levels"].pop()), "levels"),
    "history size": (_edit_document(lambda d: d["history"].update(size=11)), "history"),
    "history epochs": (_replace_array("history.level0.x", np.arange(12, 0, -1.0)), "increasing"),
    "history beyond the model": (_edit_document(lambda d: d["trainer"].update(epoch=5, best_epoch=5)),
                                 "beyond the epoch"),
    "view features": (_edit_document(lambda d: d["view"].update(shown_features=[0, 7])), "shown_features"),
    "view speed": (_edit_document(lambda d: d["view"].update(speed=-1)), "speed"),
    "view unknown": (_edit_document(lambda d: d["view"].update(zoom=3)), "view.zoom"),
    "stop reason": (_edit_document(lambda d: d.update(stop_reason="bored")), "stop_reason"),
}


@pytest.mark.parametrize("name", list(BAD_MEMBERS))
def test_every_malformed_session_is_one_clear_error(saved, tmp_path, name):
    path = saved[0]
    change, words = BAD_MEMBERS[name]
    members = _members(path)
    change(members)
    bad = _zip(tmp_path / "bad.mlfs", members)
    with pytest.raises(SessionError) as caught:
        read_session(bad)
    message = str(caught.value)
    assert message.startswith("cannot open bad.mlfs: ") and "\n" not in message
    assert re.search(words, message), message


def test_the_unbroken_members_open(saved, tmp_path):
    # The test above changes one thing at a time in a file that is itself valid.
    assert read_session(_zip(tmp_path / "good.mlfs", _members(saved[0]))).epoch == 12


def test_a_duplicate_member_is_refused(saved, tmp_path):
    members = _members(saved[0])
    bad = tmp_path / "bad.mlfs"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("session.json", b"{}")
    with pytest.raises(SessionError, match="'session.json' twice"):
        read_session(bad)


def test_a_member_larger_than_allowed_is_refused_before_it_is_read(saved, tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_ARRAY_BYTES", 100)
    with pytest.raises(SessionError, match="more than the 100 allowed"):
        read_session(saved[0])


def test_a_zip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_TOTAL_BYTES", 10**6)
    members = {"session.json": b"{}", "arrays/a.x.npy": _npy(np.zeros(200_000))}  # 1.6 MB of zeros, packs to ~2 kB
    bomb = _zip(tmp_path / "bomb.mlfs", members)
    assert bomb.stat().st_size < 10_000
    with pytest.raises(SessionError, match="would unpack to"):
        read_session(bomb)


@pytest.mark.parametrize("content", [b"", b"PK", b"hello, world", b"PK\x03\x04" + b"\x00" * 40])
def test_files_that_are_not_archives(tmp_path, content):
    path = tmp_path / "x.mlfs"
    path.write_bytes(content)
    with pytest.raises(SessionError, match="not a session file"):
        read_session(path)


def test_every_truncation_is_one_error(saved, tmp_path):
    data = saved[0].read_bytes()
    path = tmp_path / "cut.mlfs"
    for length in sorted({*range(0, len(data), max(1, len(data) // 97)), len(data) - 1}):
        path.write_bytes(data[:length])
        with pytest.raises(SessionError):
            read_session(path)


def test_special_files_are_refused_without_blocking(tmp_path):
    with pytest.raises(SessionError, match="not a regular file"):
        read_session(tmp_path)
    fifo = tmp_path / "pipe.mlfs"
    os.mkfifo(fifo)
    with pytest.raises(SessionError, match="not a regular file"):
        read_session(fifo)  # opening a FIFO for reading would block until a writer came
    with pytest.raises(SessionError, match="cannot read the file"):
        read_session(tmp_path / "missing.mlfs")


# -- fuzzing ------------------------------------------------------------------------------------

_fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_VALID: dict = {}


def _valid_bytes() -> bytes:
    if "bytes" not in _VALID:
        import tempfile

        session, _, _ = _trained_session(epochs=3)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "v.mlfs")
            write_session(path, session)
            _VALID["bytes"] = Path(path).read_bytes()
            _VALID["document"] = json.loads(_members(path)["session.json"])
            _VALID["members"] = _members(path)
    return _VALID["bytes"]


def _open_or_session_error(path):
    try:
        read_session(path)
    except SessionError as error:
        assert "\n" not in str(error)


@_fuzz
@given(data=st.data())
def test_random_byte_changes_give_a_session_or_one_session_error(tmp_path, data):
    content = bytearray(_valid_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        content[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        content = content[:data.draw(st.integers(0, len(content)))]
    path = tmp_path / "fuzz.mlfs"
    path.write_bytes(bytes(content))
    _open_or_session_error(path)


@_fuzz
@given(data=st.binary(max_size=400))
def test_random_bytes_give_one_session_error(tmp_path, data):
    path = tmp_path / "fuzz.mlfs"
    path.write_bytes(data)
    with pytest.raises(SessionError):
        read_session(path)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12)


def _paths(value, prefix=()):
    """Every place in a JSON document: (path to it, its value)."""
    yield prefix, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


@_fuzz
@given(data=st.data())
def test_random_changes_to_the_document_give_a_session_or_one_session_error(tmp_path, data):
    _valid_bytes()
    document = json.loads(json.dumps(_VALID["document"]))
    places = [path for path, _ in _paths(document) if path]
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(places))
        parent = document
        try:
            for key in place[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(place[-1], None)
            else:
                parent[place[-1]] = data.draw(_json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change moved this place
    members = dict(_VALID["members"])
    members["session.json"] = json.dumps(document).encode()
    _open_or_session_error(_zip(tmp_path / "doc.mlfs", members))


@_fuzz
@given(data=st.data())
def test_random_arrays_give_a_session_or_one_session_error(tmp_path, data):
    _valid_bytes()
    members = dict(_VALID["members"])
    name = data.draw(st.sampled_from(sorted(n for n in members if n.startswith("arrays/"))))
    dtype = data.draw(st.sampled_from(["float64", "float32", "int64", "int8", "uint64", "bool", "<U3", ">f8"]))
    shape = tuple(data.draw(st.lists(st.integers(0, 5), max_size=3)))
    values = np.asarray(data.draw(st.lists(st.integers(-3, 300), min_size=int(np.prod(shape)),
                                           max_size=int(np.prod(shape))))).reshape(shape).astype(dtype)
    members[name] = _npy(values)
    _open_or_session_error(_zip(tmp_path / "arr.mlfs", members))


def test_linear_regression_sessions_round_trip_too(tmp_path):
    dataset = datasets.make("plane", n_samples=100, random_state=1)
    model = LinearRegression(random_state=0)
    trainer = Trainer(model, dataset.X, dataset.y, validation_fraction=0.2, keep_history=False)
    for _ in range(20):
        trainer.step()
    history = dataclasses.replace(_history(20), metric="R²")
    write_session(tmp_path / "lin.mlfs", Session(dataset=dataset, model=model, trainer=trainer.state_dict(),
                                                 history=history))
    opened = read_session(tmp_path / "lin.mlfs")
    resumed = Trainer(opened.model, dataset.X, dataset.y, validation_fraction=0.2, keep_history=False,
                      resume=opened.trainer)
    assert resumed.step() == trainer.step()
