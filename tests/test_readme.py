"""Every python block of README.md runs as written, in order, and prints the
figures the README shows beside it."""

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


def test_readme_python_blocks_run_and_print_what_the_readme_says(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
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
            assert output.getvalue().splitlines() == shown
            compared += 1
    assert compared >= 1
