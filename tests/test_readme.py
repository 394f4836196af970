"""Every python block of README.md runs as written, in order."""

import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)  # blocks may write files
    namespace = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
