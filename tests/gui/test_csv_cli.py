"""``main.py --csv`` and ``main.py gif --csv`` given files that cannot be
loaded: a FIFO is refused at once (reading it would wait for a writer
forever), and every refusal is one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .test_gif_cli import HEADLESS_ENV, REPO


def run_main(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *arguments], cwd=REPO, env=HEADLESS_ENV,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("command", [[], ["gif", "-o", "never.gif"]], ids=["window", "gif"])
def test_a_fifo_given_to_csv_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = run_main(*command, "--csv", str(fifo))  # hung until the timeout before the fix
    assert result.returncode == 2
    program = "main.py gif" if command else "main.py"
    reason = f"{fifo}: a FIFO (named pipe), not a regular file: only CSV files can be loaded"
    assert result.stderr.strip().splitlines() in ([f"{program}: error: {reason}"],
                                                  [f"{program}: error: {reason} (see {program} --help)"])
    assert not (REPO / "never.gif").exists()


def test_several_problems_are_one_line_on_the_command_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,x,p\n,2,q\n")
    result = run_main("gif", "-o", str(tmp_path / "x.gif"), "--csv", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"main.py gif: error: {bad}: 2 problems: line 2: column 'b': 'x' is not a number")
    assert "; line 3: column 'a': missing value (empty field)" in lines[0]
