"""CSV files: exact round trips, type detection, and every bad file the issue lists."""

import os
import stat

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datasets
from datasets import GENERATORS, Dataset, load_csv, make, save_csv
from datasets import csv_io, csv_reader, csv_table
from datasets.csv_io import CSVFormatError


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def round_trip(tmp_path, ds, **load_options):
    path = tmp_path / f"{ds.name or 'saved'}.csv"
    save_csv(ds, path)
    return load_csv(path, **load_options)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", list(GENERATORS))
def test_every_generator_round_trips_exactly(tmp_path, name):
    ds = make(name, n_samples=300, random_state=0)
    back = round_trip(tmp_path, ds)
    # A CSV has no time column: everything else comes back bit for bit.
    assert back == ds.replace(time=None)
    assert back.X.tobytes() == ds.X.tobytes()


def test_string_labels_with_awkward_characters_round_trip(tmp_path):
    names = ('a "quoted" label', "comma, inside", "ünïcödé ✓", "new\nline", "sp ace")
    ds = Dataset(
        np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8], [0.9, 1.0]]),
        np.arange(5),
        "classification",
        ("first, feature", 'second "feature"'),
        tuple(sorted(names, key=csv_table._natural_key)),
        name="labels",
    )
    assert round_trip(tmp_path, ds) == ds


def test_floats_round_trip_to_the_bit(tmp_path):
    rng = np.random.default_rng(0)
    X = np.column_stack([
        rng.normal(size=1000) * 10.0 ** rng.integers(-300, 300, 1000),
        np.r_[0.1 + 0.2, 1 / 3, 5e-324, -0.0, 1.7976931348623157e308, rng.uniform(-1, 1, 995)],
    ])
    y = rng.normal(size=1000) * 1e-8
    ds = Dataset(X, y, "regression", ("big", "small"), name="floats")
    back = round_trip(tmp_path, ds)
    assert back.X.tobytes() == ds.X.tobytes() and back.y.tobytes() == ds.y.tobytes()


def test_multi_target_regression_round_trips_with_named_targets(tmp_path):
    rng = np.random.default_rng(1)
    ds = Dataset(rng.normal(size=(50, 2)), rng.normal(size=(50, 3)), "regression", ("x1", "x2"), name="multi")
    path = tmp_path / "multi.csv"
    save_csv(ds, path)
    assert path.read_text().splitlines()[0] == "x1,x2,target_1,target_2,target_3"
    back = load_csv(path, target=["target_1", "target_2", "target_3"])
    assert back == ds


def test_target_name_avoids_feature_names(tmp_path):
    ds = Dataset(np.zeros((2, 2)), [1.0, 2.0], "regression", ("target", "target_"), name="clash")
    path = tmp_path / "clash.csv"
    save_csv(ds, path)
    assert path.read_text().splitlines()[0] == "target,target_,target__"
    assert load_csv(path) == ds


@pytest.mark.parametrize("name", list(datasets.BUILTINS))
def test_bundled_tables_round_trip(tmp_path, name):
    ds = datasets.load_builtin(name)
    assert round_trip(tmp_path, ds).replace(name=name) == ds


def test_empty_classes_are_dropped_and_names_sorted(tmp_path):
    # The documented limit of a CSV round trip: no row, no class.
    ds = Dataset(np.zeros((2, 2)), [2, 0], "classification", ("x1", "x2"), ("zebra", "mid", "apple"), name="t")
    back = round_trip(tmp_path, ds)
    assert back.class_names == ("apple", "zebra")
    assert back.y.tolist() == [0, 1]


def test_save_replaces_a_file_atomically_and_keeps_readable_permissions(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    save_csv(make("xor", n_samples=5, random_state=0), path)
    assert path.read_text().startswith("x1,x2,class\n")
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o444 == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left


def test_save_errors_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot write"):
        save_csv(make("xor", n_samples=5), tmp_path / "missing-dir" / "x.csv")
    with pytest.raises(ValueError, match="Dataset"):
        save_csv({"X": 1}, tmp_path / "x.csv")


# ------------------------------------------------------------- type detection


def test_string_target_is_classification_in_sorted_order(tmp_path):
    path = write(tmp_path, "a,b,kind\n1,2,dog\n3,4,cat\n5,6,dog\n")
    ds = load_csv(path)
    assert ds.task == "classification" and ds.class_names == ("cat", "dog")
    assert ds.y.tolist() == [1, 0, 1]
    assert ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert ds.feature_names == ("a", "b") and ds.name == "data"


def test_few_integers_are_classes_sorted_by_value(tmp_path):
    path = write(tmp_path, "x,label\n0.5,10\n1.5,2\n2.5,-1\n3.5,2\n")
    ds = load_csv(path)
    assert ds.task == "classification" and ds.class_names == ("-1", "2", "10")
    assert ds.y.tolist() == [2, 1, 0, 1]


def test_class_names_in_natural_order(tmp_path):
    path = write(tmp_path, "x,c\n" + "".join(f"{k},class {k}\n" for k in (10, 2, 1)))
    assert load_csv(path).class_names == ("class 1", "class 2", "class 10")


def test_many_integers_or_fractions_are_regression(tmp_path):
    integers = "x,y\n" + "".join(f"{k},{k * 3}\n" for k in range(11))
    ds = load_csv(write(tmp_path, integers, "int.csv"))
    assert ds.task == "regression" and ds.y.tolist() == [3.0 * k for k in range(11)]
    fractions = load_csv(write(tmp_path, "x,y\n1,0.5\n2,1.0\n", "frac.csv"))
    assert fractions.task == "regression" and fractions.y.tolist() == [0.5, 1.0]


def test_task_can_be_overridden(tmp_path):
    path = write(tmp_path, "x,y\n1,0\n2,1\n3,1\n")
    assert load_csv(path).task == "classification"
    ds = load_csv(path, task="regression")
    assert ds.task == "regression" and ds.y.tolist() == [0.0, 1.0, 1.0]
    floats = write(tmp_path, "x,y\n1,0.5\n2,1.5\n3,0.5\n", "floats.csv")
    forced = load_csv(floats, task="classification")
    assert forced.class_names == ("0.5", "1.5") and forced.y.tolist() == [0, 1, 0]
    with pytest.raises(ValueError, match="task"):
        load_csv(path, task="clustering")


def test_named_target_in_the_middle(tmp_path):
    path = write(tmp_path, "a,species,b\n1,x,2\n3,y,4\n")
    ds = load_csv(path, target="species")
    assert ds.feature_names == ("a", "b") and ds.X.tolist() == [[1, 2], [3, 4]]
    assert ds.class_names == ("x", "y")


def test_tolerated_formatting(tmp_path):
    # Byte-order mark, CRLF, spaces around fields, blank lines, quoted numbers.
    text = "\ufeff x1 , x2 ,label\r\n\r\n 1.5 , \"2\", yes \r\n3,4,no\r\n\r\n"
    ds = load_csv(write(tmp_path, text))
    assert ds.feature_names == ("x1", "x2") and ds.class_names == ("no", "yes")
    assert ds.X.tolist() == [[1.5, 2.0], [3.0, 4.0]] and ds.y.tolist() == [1, 0]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files(tmp_path, delimiter):
    text = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "2", "x"]) + "\n"
    text += delimiter.join(["3", "4", "y"]) + "\n"
    ds = load_csv(write(tmp_path, text))
    assert ds.X.tolist() == [[1, 2], [3, 4]] and ds.class_names == ("x", "y")


def test_load_csv_accepts_str_paths(tmp_path):
    path = write(tmp_path, "a,b\n1,x\n2,y\n")
    assert load_csv(str(path)) == load_csv(path)


# --------------------------------------------------------------------- bad files


BAD_FILES = [
    ("", None, "the file is empty"),
    ("\n\n  \n", None, "the file is empty"),
    ("1,2,0\n3,4,1\n", 1, "no header row"),
    ("x1,x2,y\n1,2,0\n3,4\n", 3, "2 fields, but the header (line 1) has 3 columns"),
    ("x1,x2,y\n1,2,0\n3,4,1,9\n", 3, "4 fields"),
    ("x1,x2,y\n1,2,a\n3,abc,b\n", 3, "column 'x2': 'abc' is not a number"),
    ("x1,x2,y\n1,2,a\n3,,b\n", 3, "column 'x2': missing value"),
    ("x1,x2,y\n1,NA,a\n3,4,b\n", 2, "column 'x2': missing value ('NA')"),
    ("x1,x2,y\n1,nan,a\n3,4,b\n", 2, "missing value"),
    ("x1,x2,y\n1,inf,a\n3,4,b\n", 2, "'inf' is not a finite number"),
    ("x1,x2,y\n1,2,a\n3,4,\n", 3, "column 'y': missing value"),
    ("x1,x2,y\n1,2,0.5\n3,4,NA\n5,6,1.5\n", 3, "column 'y': missing value ('NA')"),
    ("x1,x2,y\n1,2,a\n3,4,a\n", None, "single class ('a')"),
    ("x1,x2,y\n", 1, "no data rows"),
    ("x1,x2,y\n1,2,a\n3,4,b\n5\n6\n", 4, "1 fields, but the header (line 1) has 3 columns; 2 rows have"),
    ("x1,x2,y\n1,2,0.5\n3,4,1e999\n", 3, "column 'y': '1e999' is not a finite number"),
    ("x1,x2,y\n1,2e999,a\n3,4,b\n", 2, "column 'x2': '2e999' is not a finite number"),
    ("justonecolumn\n1\n2\n", 1, "one column"),
    ('x1,x2,y\n1,2,"a\n', 2, "malformed CSV (unexpected end of data)"),
    ("x1,x2,y\n1,2,a\nb\x00\x01\x02,\xff\n", 3, "binary data"),
]


@pytest.mark.parametrize("text, line, problem", BAD_FILES)
def test_bad_files_name_the_file_the_line_and_the_problem(tmp_path, text, line, problem):
    path = write(tmp_path, text, "bad.csv")
    with pytest.raises(CSVFormatError) as caught:
        load_csv(path)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert message.startswith(str(path) + ": ")
    assert problem in message
    assert caught.value.line == line
    if line is not None:
        # one problem: "path: line 3: ..."; several: "path: 2 problems:\n- line 3: ..."
        assert f": line {line}: " in message or f"\n- line {line}: " in message


def test_binary_garbage(tmp_path):
    garbage = bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"bad\.bin: line \d+: (binary data|not UTF-8)"):
        load_csv(write(tmp_path, garbage, "bad.bin"))
    with pytest.raises(ValueError, match="line 2: not UTF-8 text"):
        load_csv(write(tmp_path, b"a,b\n\xff\xfe,1\n", "latin.csv"))


def test_unknown_target_lists_the_columns(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,x\n3,4,y\n")
    with pytest.raises(ValueError, match=r"line 1: no column named 'nope' for the target; the columns are: 'a', 'b', 'c'"):
        load_csv(path, target="nope")
    with pytest.raises(ValueError, match="no feature column"):
        load_csv(write(tmp_path, "a,b\n1,2\n3,4\n", "two.csv"), target=["a", "b"])
    with pytest.raises(ValueError, match="one target column"):
        load_csv(path, target=["a", "b"], task="classification")
    with pytest.raises(ValueError, match="target"):
        load_csv(path, target=3)


def test_regression_target_must_be_numeric(tmp_path):
    path = write(tmp_path, "x,y\n1,0.5\n2,high\n")
    with pytest.raises(ValueError, match=r"line 3: column 'y': 'high' is not a number \(task='regression'"):
        load_csv(path, task="regression")


def test_too_many_text_labels_hint_at_the_text(tmp_path):
    text = "x,y\n" + "".join(f"{k},{k}.5\n" for k in range(150)) + "150,oops\n"
    with pytest.raises(ValueError, match=r"151 distinct labels.*'oops' at line 152"):
        load_csv(write(tmp_path, text))


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match=r"nothing\.csv: cannot read the file"):
        load_csv(tmp_path / "nothing.csv")
    with pytest.raises(ValueError, match="path"):
        load_csv(None)


def test_a_file_of_ten_million_rows_is_too_large(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write(b"x1,x2,label\n")
        handle.write(b"0.5,1.25,a\n0.25,-1.5,b\n" * 5_000_000)
    with pytest.raises(ValueError, match=r"huge\.csv: line 1000002: too large: more than 1,000,000 data rows"):
        load_csv(path)


def test_the_row_limit_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_table, "MAX_ROWS", 4)
    ok = write(tmp_path, "x,y\n1,a\n2,b\n3,a\n4,b\n", "ok.csv")
    assert load_csv(ok).n_samples == 4
    with pytest.raises(ValueError, match="line 6: too large"):
        load_csv(write(tmp_path, "x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n", "five.csv"))


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "sparse.csv"
    with open(path, "wb") as handle:
        handle.truncate(csv_io.MAX_FILE_BYTES + 1)  # sparse: takes no disk space
    with pytest.raises(ValueError, match=r"sparse\.csv: too large: 512 MB"):
        load_csv(path)


def test_too_many_values_and_long_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_table, "MAX_VALUES", 8)
    with pytest.raises(ValueError, match="line 4: too large: more than 8 values"):
        load_csv(write(tmp_path, "a,b,c\n1,2,x\n3,4,y\n5,6,z\n"))
    monkeypatch.setattr(csv_reader, "MAX_LINE_BYTES", 100)
    with pytest.raises(ValueError, match="line 2: line longer than"):
        load_csv(write(tmp_path, "a,b\n" + "1" * 200 + ",x\n", "long.csv"))


def test_chunked_parsing_reports_the_right_line(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "BLOCK_BYTES", 16)
    rows = [f"{k},{k}.5,{'ab'[k % 2]}" for k in range(10)]
    rows[7] = "7,seven,b"
    with pytest.raises(ValueError, match=r"line 9: column 'b': 'seven' is not a number"):
        load_csv(write(tmp_path, "a,b,c\n" + "\n".join(rows) + "\n"))
    rows[7] = "7,7.5,b"
    ds = load_csv(write(tmp_path, "a,b,c\n" + "\n".join(rows) + "\n", "ok.csv"))
    assert ds.X[:, 0].tolist() == list(range(10))


# --------------------------------------------------------------- property tests

_slow = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_csv_alphabet = st.sampled_from(list("0123456789.,-+e\n\r\"' abcxyNA;\t\x00é"))


@_slow
@given(text=st.text(alphabet=_csv_alphabet, max_size=200))
def test_random_csv_like_text_raises_only_value_error(tmp_path, text):
    _load_or_value_error(write(tmp_path, text))


@_slow
@given(text=st.text(max_size=300))
def test_random_unicode_text_raises_only_value_error(tmp_path, text):
    _load_or_value_error(write(tmp_path, text))


@_slow
@given(data=st.binary(max_size=300))
def test_random_bytes_raise_only_value_error(tmp_path, data):
    _load_or_value_error(write(tmp_path, data))


@_slow
@given(
    header=st.lists(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=6), min_size=1,
                    max_size=4),
    rows=st.lists(st.lists(st.one_of(st.floats(allow_nan=True), st.integers(-5, 5), st.text(max_size=4)),
                           min_size=0, max_size=5), max_size=8),
    target=st.one_of(st.none(), st.text(max_size=3)),
    task=st.sampled_from([None, "classification", "regression"]),
)
def test_random_tables_raise_only_value_error(tmp_path, header, rows, target, task):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    _load_or_value_error(write(tmp_path, buffer.getvalue()), target=target, task=task)


def _load_or_value_error(path, **options):
    try:
        ds = load_csv(path, **options)
    except ValueError:
        return
    # Whatever loads is a complete, valid dataset.
    assert isinstance(ds, Dataset) and ds.n_samples >= 1 and ds.n_features >= 1
    assert np.isfinite(ds.X).all()
    if ds.task == "classification":
        assert ds.n_classes >= 2


def test_too_many_numeric_classes_when_forced(tmp_path):
    text = "x,y\n" + "".join(f"{k},{k}\n" for k in range(101))
    with pytest.raises(ValueError, match=r"101 distinct labels, more than 100 classes$"):
        load_csv(write(tmp_path, text), task="classification")
    assert load_csv(write(tmp_path, text, "ok.csv")).task == "regression"


def test_read_csv_columns_reads_only_the_header(tmp_path):
    path = write(tmp_path, "\ufeff petal length ;width;species\n1;2;a\n3;x;b\n")  # bad 2nd row is not read
    assert datasets.read_csv_columns(path) == ("petal length", "width", "species")


@pytest.mark.parametrize(
    "content, problem",
    [(b"", "empty"), (b"\n\n", "empty"), (b"a,\x00b\n1,2\n", "binary"), (b"1,2\n3,4\n", "no header")],
)
def test_read_csv_columns_rejects_what_load_csv_rejects(tmp_path, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CSVFormatError, match=problem) as caught:
        datasets.read_csv_columns(path)
    assert str(path) in str(caught.value)
    with pytest.raises(CSVFormatError):
        load_csv(path)
