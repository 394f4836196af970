"""Every python block of README.md runs as written, in order, and prints the
figures the README shows beside it: parameters exactly, scores (three
decimals) to within 0.005, since trained networks round differently on
another processor, as the README says."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def printed_in_readme(block):
    """The comment lines that follow a run of ``print`` calls: the output
    the README says the block prints."""
    lines = block.splitlines()
    shown = []
    for i, line in enumerate(lines):
        if (
            line.startswith("# ")
            and i
            and (lines[i - 1].startswith("print(") or lines[i - 1] in shown_raw(shown))
        ):
            shown.append(line[2:])
    return shown


def shown_raw(shown):
    return {f"# {line}" for line in shown}


def test_printed_in_readme_reads_the_comments_after_prints():
    block = 'x = 1\n# not output\nprint("a")\nprint("b")\n# a\n# b\ny = 2\n'
    assert printed_in_readme(block) == ["a", "b"]


NUMBER = re.compile(r"-?\d+\.\d+")
SCORE_TOLERANCE = 0.005  # as the README says


def matches(printed, shown):
    """``printed`` is ``shown``, except that a score (a number shown with
    three decimals or more) may differ by up to ``SCORE_TOLERANCE``."""
    if NUMBER.sub("#", printed) != NUMBER.sub("#", shown):
        return False
    for got, want in zip(NUMBER.findall(printed), NUMBER.findall(shown), strict=True):
        tolerance = SCORE_TOLERANCE if len(want.split(".")[1]) >= 3 else 0
        if abs(float(got) - float(want)) > tolerance + 1e-12:
            return False
    return True


def test_matches_allows_a_score_to_move_and_nothing_else():
    assert matches("a: 0.725 {'b': 0.5}", "a: 0.723 {'b': 0.5}")
    assert matches("a: 0.718", "a: 0.723")
    assert not matches("a: 0.729", "a: 0.723")
    assert not matches("a: 0.723 {'b': 0.3}", "a: 0.723 {'b': 0.5}")
    assert not matches("b: 0.723", "a: 0.723")
    assert not matches("a: 0.723 x", "a: 0.723")


def test_readme_python_blocks_run_and_print_what_the_readme_says(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    # The tolerance is the README's: "up to 0.005 in the README's test".
    assert f"up to {SCORE_TOLERANCE} in the" in " ".join(README.read_text().split())
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)  # blocks may write files
    namespace = {}
    compared = 0
    for block in blocks:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(block, str(README), "exec"), namespace)
        shown = printed_in_readme(block)
        if shown:
            printed = output.getvalue().splitlines()
            for got, want in zip(printed, shown, strict=True):
                assert matches(got, want), (got, want)
            compared += 1
    assert compared >= 1
