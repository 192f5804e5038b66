"""Real-looking CSV files (shaped like seaborn's and vega's penguins, weather,
stocks, CO2): choosing features, dropping rows with missing values, text and
date columns, whitespace-separated files, every problem in one error, special
files, and saving through links."""

import os
import stat
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from datasets import Dataset, csv_reader, load_csv, read_csv_columns, save_csv, scan_csv
from datasets.csv_io import class_order, target_column_names
from datasets.csv_reader import CSVFormatError

PENGUINS = """species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex
Adelie,Torgersen,39.1,18.7,181,3750,Male
Adelie,Torgersen,39.5,17.4,186,3800,Female
Adelie,Torgersen,NA,NA,NA,NA,NA
Adelie,Biscoe,37.8,18.3,174,3400,Female
Chinstrap,Dream,46.5,17.9,192,3500,Female
Chinstrap,Dream,50,19.5,196,3900,Male
Gentoo,Biscoe,46.1,13.2,211,4500,Female
Gentoo,Biscoe,50,16.3,230,5700,Male
Gentoo,Biscoe,44.5,14.3,216,4100,
"""

WEATHER = """date,precipitation,temp_max,temp_min,wind,weather
2012-01-01,0.0,12.8,5.0,4.7,drizzle
2012-01-02,10.9,10.6,2.8,4.5,rain
2012-01-03,0.8,11.7,7.2,2.3,rain
2012-01-04,20.3,12.2,5.6,4.7,rain
2012-01-05,1.3,8.9,2.8,6.1,rain
2012-01-06,2.5,4.4,2.2,2.2,rain
2012-01-07,0.0,7.2,2.8,2.3,sun
2012-01-08,0.0,10.0,2.8,2.0,sun
"""

STOCKS = """symbol,date,price
MSFT,Jan 1 2000,39.81
MSFT,Feb 1 2000,36.35
AMZN,Jan 1 2000,64.56
AMZN,Feb 1 2000,68.87
IBM,Jan 1 2000,100.52
IBM,Feb 1 2000,92.11
"""

# statsmodels' co2.csv is comma-separated; this is the whitespace-separated
# layout of NOAA's and R's monthly CO2 tables, with a missing month.
CO2 = """  year  month   decimal   average
  1958    3    1958.208      315.71
  1958    4    1958.292      317.45
  1958    5    1958.375     -99.99
  1958    6    1958.458          NA
  1958    7    1958.542      315.86
"""


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# ------------------------------------------------------------- penguins


def test_penguins_every_problem_in_one_error(tmp_path):
    path = write(tmp_path, PENGUINS, "penguins.csv")
    with pytest.raises(CSVFormatError) as caught:
        load_csv(path, target="species")
    error = caught.value
    message = str(error)
    assert message.startswith(f"{path}: 6 problems:\n")
    # the text columns, then the missing cells of each numeric column, each once with its first line
    assert error.problems[0] == (2, "column 'island': 'Torgersen' is not a number (a feature must be a number), "
                                    "and 8 more (lines 3, 4, ...); text='onehot' turns a text column into "
                                    "indicator features, text='ignore' leaves it out")
    assert [problem[0] for problem in error.problems] == [2, 2, 4, 4, 4, 4]
    assert "column 'sex'" in error.problems[1][1]
    assert error.problems[2][1].startswith("column 'bill_length_mm': missing value ('NA'); missing='drop'")
    assert "- and 1 more" not in message  # six problems fit in the message
    assert error.line == 2


def test_penguins_with_missing_drop_and_text_onehot(tmp_path):
    ds = load_csv(write(tmp_path, PENGUINS, "penguins.csv"), target="species", missing="drop", text="onehot")
    assert ds.task == "classification" and ds.class_names == ("Adelie", "Chinstrap", "Gentoo")
    assert ds.feature_names == (
        "island=Biscoe", "island=Dream", "island=Torgersen", "bill_length_mm", "bill_depth_mm",
        "flipper_length_mm", "body_mass_g", "sex=Female", "sex=Male",
    )
    assert ds.n_samples == 7  # the row of NA and the row without a sex are dropped
    assert ds.X[0].tolist() == [0, 0, 1, 39.1, 18.7, 181, 3750, 0, 1]
    assert ds.X[2].tolist() == [1, 0, 0, 37.8, 18.3, 174, 3400, 1, 0]
    assert ds.y.tolist() == [0, 0, 0, 1, 1, 2, 2]
    assert ds.notes[0] == "2 of 9 rows dropped for a missing value (lines 4 and 10)"
    assert "column 'island' became 3 indicator features (Biscoe, Dream, Torgersen)" in ds.notes


def test_text_ignore_leaves_text_columns_out_and_keeps_their_rows(tmp_path):
    ds = load_csv(write(tmp_path, PENGUINS), target="species", missing="drop", text="ignore")
    assert ds.feature_names == ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
    # only the all-NA row goes: the empty sex cell is in a column left out
    assert ds.n_samples == 8
    assert "column 'sex' holds text ('Male' on line 2): left out" in ds.notes


def test_features_choose_the_columns_and_their_order(tmp_path):
    path = write(tmp_path, PENGUINS)
    ds = load_csv(path, target="species", features=["body_mass_g", "bill_length_mm"], missing="drop")
    assert ds.feature_names == ("body_mass_g", "bill_length_mm")
    assert ds.n_samples == 8  # sex is not used: its empty cell drops nothing
    assert ds.X[:2].tolist() == [[3750, 39.1], [3800, 39.5]]
    ds = load_csv(path, target="species", features="flipper_length_mm", missing="drop")
    assert ds.feature_names == ("flipper_length_mm",)
    with pytest.raises(CSVFormatError, match=r"no column named 'beak' for the features; the columns are: 'species'"):
        load_csv(path, target="species", features=["beak"])
    with pytest.raises(ValueError, match="features=.*holds the target column 'species'"):
        load_csv(path, target="species", features=["species", "body_mass_g"])


def test_explicit_text_feature_with_too_many_values_is_a_problem(tmp_path, monkeypatch):
    from datasets import csv_table

    monkeypatch.setattr(csv_table, "MAX_ONEHOT", 2)
    path = write(tmp_path, PENGUINS)
    with pytest.raises(CSVFormatError, match=r"column 'island' holds text with 3 distinct values, too many for "
                                             r"indicator features \(at most 2\)"):
        load_csv(path, target="species", features=["island"], text="onehot")
    ds = load_csv(path, target="species", text="onehot", missing="drop")  # automatic: left out, with a note
    assert not any(name.startswith("island=") for name in ds.feature_names)
    assert "column 'island' holds text with 3 distinct values, too many for indicator features (at most 2): " \
           "left out" in ds.notes


def test_bad_choices_name_the_parameter(tmp_path):
    path = write(tmp_path, PENGUINS)
    for kwargs, match in [({"missing": "skip"}, "missing must be 'error' or 'drop', got 'skip'"),
                          ({"text": "encode"}, "text must be 'error', 'onehot' or 'ignore', got 'encode'"),
                          ({"features": 3}, "features must be None, a column name or a sequence"),
                          ({"features": ["a", "a"]}, "names a column twice")]:
        with pytest.raises(ValueError, match=match):
            load_csv(path, **kwargs)


def test_every_row_dropped_is_a_problem(tmp_path):
    path = write(tmp_path, "a,b,y\n1,NA,x\n,2,y\n")
    with pytest.raises(CSVFormatError, match="every row has a missing value in a column used"):
        load_csv(path, missing="drop")


# ------------------------------------------------------------ dates


def test_weather_dates_are_left_out_with_a_note(tmp_path):
    ds = load_csv(write(tmp_path, WEATHER, "seattle-weather.csv"))
    assert ds.task == "classification" and ds.class_names == ("drizzle", "rain", "sun")
    assert ds.feature_names == ("precipitation", "temp_max", "temp_min", "wind")
    assert ds.notes == ("column 'date' holds dates: left out",)
    with pytest.raises(CSVFormatError, match=r"line 2: column 'date' holds dates \('2012-01-01'\), "
                                             r"which are not features"):
        load_csv(write(tmp_path, WEATHER), features=["date", "wind"])
    with pytest.raises(CSVFormatError, match="column 'date' holds dates: it cannot be the target"):
        load_csv(write(tmp_path, WEATHER), target="date")


def test_stocks_text_dates_and_a_symbol_column(tmp_path):
    path = write(tmp_path, STOCKS, "stocks.csv")
    ds = load_csv(path, text="onehot")
    assert ds.task == "regression"
    assert ds.feature_names == ("symbol=AMZN", "symbol=IBM", "symbol=MSFT")
    assert "column 'date' holds dates: left out" in ds.notes
    np.testing.assert_array_equal(ds.y, [39.81, 36.35, 64.56, 68.87, 100.52, 92.11])
    table = scan_csv(path)
    assert [column.kind for column in table.columns] == ["text", "date", "number"]
    assert table.column("symbol").describe() == "text · 3 values"


# ------------------------------------------------------------ layouts


def test_whitespace_separated_co2(tmp_path):
    path = write(tmp_path, CO2, "co2.txt")
    assert read_csv_columns(path) == ("year", "month", "decimal", "average")
    with pytest.raises(CSVFormatError, match=r"line 5: column 'average': missing value \('NA'\)"):
        load_csv(path)
    ds = load_csv(path, features=["decimal"], missing="drop")
    assert scan_csv(path).delimiter == " "
    assert ds.X[:, 0].tolist() == [1958.208, 1958.292, 1958.375, 1958.542]
    assert ds.y.tolist() == [315.71, 317.45, -99.99, 315.86]
    assert ds.notes == ("1 of 5 rows dropped for a missing value (line 5)",)


def test_whitespace_separated_with_tabs_quotes_and_single_quoted_names(tmp_path):
    text = "'OBS' 'GPA'  'GRADE'\n1  2.66 \t0\n2\t2.89  1\n3 3.28 0 \n"
    ds = load_csv(write(tmp_path, text), features=["GPA"])
    assert ds.feature_names == ("GPA",) and ds.class_names == ("0", "1")
    assert ds.X[:, 0].tolist() == [2.66, 2.89, 3.28]
    quoted = '"x" "y" "label"\n"1" 2 "a b"\n3 4 "c"\n'
    ds = load_csv(write(tmp_path, quoted, "quoted.txt"))
    assert ds.class_names == ("a b", "c") and ds.X.tolist() == [[1, 2], [3, 4]]


def test_row_labels_written_by_r_and_pandas_are_left_out(tmp_path):
    r_style = '"Weight","Pig"\n"1",26.5,1\n"2",27.6,2\n"3",36.5,2\n'
    ds = load_csv(write(tmp_path, r_style, "dietox.csv"))
    assert ds.feature_names == ("Weight",) and ds.class_names == ("1", "2")
    assert ds.notes == ("the header names one column fewer than the rows hold: the first column is read as row labels",
                        "column 'column 1' has no name and holds row numbers or labels: left out")
    pandas_style = ",a,b\n0,1.5,x\n1,2.5,y\n2,3.5,x\n"
    ds = load_csv(write(tmp_path, pandas_style, "frame.csv"))
    assert ds.feature_names == ("a",) and ds.n_samples == 3
    named = "Unnamed: 0,a,b\nr1,1.5,x\nr2,2.5,y\n"
    assert load_csv(write(tmp_path, named, "named.csv")).feature_names == ("a",)
    # a column without a name that is not a row count is an ordinary feature
    ds = load_csv(write(tmp_path, "a,,b\n1,5,x\n2,7,y\n", "gap.csv"))
    assert ds.feature_names == ("a", "column 2")
    assert ds.notes == ("column 2 has no name in the header: it is called 'column 2'",)


def test_duplicate_names_are_renamed_with_a_note(tmp_path):
    ds = load_csv(write(tmp_path, "x,x,y\n1,2,a\n3,4,b\n"))
    assert ds.feature_names == ("x", "x (2)")
    assert ds.notes == ("two columns are named 'x': the one in position 2 is called 'x (2)'",)


def test_old_mac_line_ends(tmp_path):
    ds = load_csv(write(tmp_path, b"a,b,y\r1,2,p\r3,4,q\r"))
    assert ds.X.tolist() == [[1, 2], [3, 4]] and ds.class_names == ("p", "q")


def test_an_unclosed_quote_is_refused_without_reading_the_file_as_one_record(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_RECORD_BYTES", 4096)
    monkeypatch.setattr(csv_reader, "BLOCK_BYTES", 512)
    text = 'a,b,y\n1,2,p\n3,"4,q\n' + "5,6,p\n" * 2000
    with pytest.raises(CSVFormatError, match=r'line 3: a quoted cell runs on for more than 0 MB from here: is a quote '
                                             r'\(\"\) not closed\?'):
        load_csv(write(tmp_path, text))
    monkeypatch.setattr(csv_reader, "MAX_RECORD_BYTES", 2**20)
    with pytest.raises(CSVFormatError, match=r"line 3: malformed CSV \(unexpected end of data\)"):
        load_csv(write(tmp_path, text))


def test_rows_with_the_wrong_number_of_fields_are_listed_together(tmp_path):
    text = "a,b,y\n1,2,p\n3\n4,5,q\n6,7,8,r\n9\n1,1,p\n"
    with pytest.raises(CSVFormatError) as caught:
        load_csv(write(tmp_path, text))
    assert caught.value.problem == ("1 fields, but the header (line 1) has 3 columns; 3 rows have the wrong number "
                                    "of fields (lines 3, 5 and 6)")
    # a first line that is no header: every row is longer
    with pytest.raises(CSVFormatError, match=r"line 2: 5 fields, but the header \(line 1\) has 3 columns, and no "
                                             r"data row has 3: is the first line a header\?"):
        load_csv(write(tmp_path, "569,30,malignant\n1,2,3,4,0\n5,6,7,8,1\n", "meta.csv"))


# ------------------------------------------------------------ table & plan


def test_plan_counts_rows_without_building(tmp_path):
    table = scan_csv(write(tmp_path, PENGUINS))
    assert table.n_rows == 9 and table.column_names[0] == "species"
    assert table.preview[2] == ["Adelie", "Torgersen", "NA", "NA", "NA", "NA", "NA"]
    assert table.preview_lines[:3] == [2, 3, 4]
    plan = table.plan(target="species", missing="drop", text="onehot")
    assert plan.ok and plan.n_rows_used == 7 and plan.n_rows_dropped == 2
    assert plan.task == "classification" and plan.class_names == ("Adelie", "Chinstrap", "Gentoo")
    plan = table.plan(target="species", features=["bill_length_mm"], missing="drop")
    assert plan.n_rows_used == 8
    plan = table.plan(target="species")
    assert not plan.ok and len(plan.problems) == 6
    assert table.column("sex").describe() == "text · 2 values · 2 missing"
    assert table.column("bill_depth_mm").describe() == "number · 1 missing"
    # the same table makes several datasets without reading the file again
    a = table.to_dataset(target="species", missing="drop", text="ignore")
    b = table.to_dataset(target="island", features=["bill_length_mm"], missing="drop")
    assert a.n_features == 4 and b.class_names == ("Biscoe", "Dream", "Torgersen")


def test_progress_is_reported_and_can_stop_the_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "BLOCK_BYTES", 64)
    path = write(tmp_path, "a,b\n" + "".join(f"{k},{k % 3}\n" for k in range(200)))
    calls = []
    ds = load_csv(path, progress=lambda done, total: calls.append((done, total)))
    assert ds.n_samples == 200
    size = path.stat().st_size
    assert len(calls) > 10 and all(total == size for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    class Stop(Exception):
        pass

    def stop(done, total):
        if done > 300:
            raise Stop

    with pytest.raises(Stop):
        load_csv(path, progress=stop)


def test_notes_are_not_part_of_equality():
    a = Dataset(np.zeros((2, 1)), [0.0, 1.0], "regression", ("x",), name="t")
    b = a.replace(notes=("1 of 3 rows dropped",))
    assert a == b and b.notes == ("1 of 3 rows dropped",)
    with pytest.raises(ValueError, match="notes must be a sequence of strings"):
        a.replace(notes="dropped")


# ------------------------------------------------------------ special files


@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for read in (load_csv, read_csv_columns, scan_csv):
        with pytest.raises(CSVFormatError, match=r"pipe\.csv: a FIFO \(named pipe\), not a regular file"):
            read(fifo)


@pytest.mark.timeout(20)
def test_directories_and_devices_are_refused(tmp_path):
    with pytest.raises(CSVFormatError, match="a directory, not a regular file"):
        load_csv(tmp_path)
    with pytest.raises(CSVFormatError, match="a character device, not a regular file"):
        load_csv("/dev/zero")  # reading it would never end
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(CSVFormatError, match="a character device"):
        load_csv(link)


@pytest.mark.timeout(60)
def test_blank_lines_are_skipped_a_block_at_a_time(tmp_path):
    # 40 MB of blank lines: a Python loop per line took 15 s here; the
    # benchmark prints the time. Correctness: empty, and a row after them
    # keeps its line number.
    blank = b"\n" * (40 * 2**20)
    with pytest.raises(CSVFormatError, match="the file is empty"):
        load_csv(write(tmp_path, blank, "blank.csv"))
    crlf = b"a,b\r\n" + b"\r\n" * 300_000 + b"1,x\r\n  \r\n2,y\r\n"
    ds = load_csv(write(tmp_path, crlf, "crlf.csv"))
    assert ds.X[:, 0].tolist() == [1, 2]
    with pytest.raises(CSVFormatError) as caught:
        load_csv(write(tmp_path, b"a,b\n" + b"\n" * 300_000 + b"1,x\n2\n", "late.csv"))
    assert caught.value.line == 300_003


# ------------------------------------------------------------ saving


def test_save_writes_through_a_symlink(tmp_path):
    ds = Dataset(np.array([[1.0], [2.0]]), [0, 1], "classification", ("x",), ("a", "b"), name="real")
    real = tmp_path / "real.csv"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    save_csv(ds, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_csv(real) == ds
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    dangling = tmp_path / "new-link.csv"
    dangling.symlink_to(tmp_path / "made.csv")
    save_csv(ds, dangling)
    assert dangling.is_symlink() and load_csv(tmp_path / "made.csv").X.tolist() == [[1.0], [2.0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "made.csv", "new-link.csv", "real.csv"]


def test_save_never_replaces_a_device_or_a_fifo(tmp_path):
    ds = Dataset(np.zeros((2, 1)), [0.0, 1.0], "regression", ("x",))
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"pipe\.csv: a FIFO \(named pipe\), not a regular file: refusing"):
        save_csv(ds, fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    with pytest.raises(ValueError, match="a character device, not a regular file"):
        save_csv(ds, device)
    assert stat.S_ISCHR(os.stat(device).st_mode)
    with pytest.raises(ValueError, match="a directory"):
        save_csv(ds, tmp_path)


def test_class_names_like_missing_values_are_refused(tmp_path):
    ds = Dataset(np.zeros((2, 1)), [0, 1], "classification", ("x",), ("NA", "yes"))
    with pytest.raises(ValueError, match="the class name 'NA' would read back as a missing value"):
        save_csv(ds, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


AWKWARD_NAMES = ["Yes", "no", " leading", "trailing ", "a\rb", "semi;\nnew", "tab\t\nline", 'say "hi"',
                 "comma, inside", "\ufeffbom", "x\r\n\r\ny", "  both  ", "1", "10", "2", "ünï ✓", "'quoted'"]


def test_awkward_class_and_feature_names_round_trip(tmp_path):
    names = tuple(class_order(AWKWARD_NAMES))
    assert names.index("Yes") < names.index("no")  # by character: upper case first
    n = len(names)
    ds = Dataset(np.arange(2.0 * n).reshape(n, 2), np.arange(n), "classification", (" x;1", "y\r\n2"), names,
                 name="awkward")
    path = tmp_path / "awkward.csv"
    save_csv(ds, path)
    assert load_csv(path, task="classification") == ds


_name_text = st.text(st.sampled_from(list("ab Y;\t\n\r\",'1.-é ")), min_size=1, max_size=6).filter(
    lambda name: name.strip() and name.strip().lower() not in {"na", "n/a", "nan", "null", "none", "?"})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    class_names=st.lists(_name_text, min_size=2, max_size=5, unique=True),
    feature_names=st.lists(_name_text, min_size=1, max_size=3, unique=True),
    data=st.data(),
)
def test_whatever_saves_loads_back_identical(tmp_path, class_names, feature_names, data):
    """Names with carriage returns, separators plus line breaks, quotes and
    blanks at either end: saved, then loaded, the dataset is the same."""
    assume(not set(feature_names) & {"class"})
    names = tuple(class_order(class_names))
    n = len(names) + 3
    codes = np.r_[np.arange(len(names)), data.draw(st.lists(st.integers(0, len(names) - 1), min_size=3,
                                                            max_size=3))]
    X = np.array(data.draw(st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64),
                                             min_size=len(feature_names), max_size=len(feature_names)),
                                    min_size=n, max_size=n)))
    ds = Dataset(X, codes, "classification", tuple(feature_names), names, name="saved")
    path = tmp_path / "saved.csv"
    save_csv(ds, path)
    back = load_csv(path, target=target_column_names(ds), task="classification", features=tuple(feature_names))
    assert back == ds
    assert back.X.tobytes() == ds.X.tobytes()


def test_loading_in_a_thread_leaves_the_file_closed(tmp_path):
    path = write(tmp_path, WEATHER)
    result = []
    thread = threading.Thread(target=lambda: result.append(load_csv(path)))
    thread.start()
    thread.join(30)
    assert result and result[0].n_samples == 8
    assert not any(str(path) in os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                   if os.path.islink(f"/proc/self/fd/{fd}"))
