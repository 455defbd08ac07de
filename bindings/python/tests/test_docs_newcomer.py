# SPDX-License-Identifier: Apache-2.0
"""The newcomer program of docs/python.md ("Your first program") runs as a user would run it, in
a fresh directory with the tariff file beside it, and prints exactly what the page shows."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import energy

SOURCE = Path(os.environ.get("ENERGY_SOURCE_DIR", Path(__file__).resolve().parents[3]))
BLOCKS = re.compile(r"```python\n(.*?)```\n```text\n(.*?)```\n", re.S)


def test_the_first_program_of_the_python_guide_runs_and_prints_what_the_page_shows(tmp_path):
    doc = (SOURCE / "docs" / "python.md").read_text()
    begin, end = doc.index("<!-- python-newcomer:begin -->"), doc.index("<!-- python-newcomer:end -->")
    (program, expected), = BLOCKS.findall(doc[begin:end])
    shutil.copy(SOURCE / "docs" / "examples" / "small-commercial-tou.urdb.json", tmp_path)
    (tmp_path / "first.py").write_text(program)
    run = subprocess.run([sys.executable, "first.py"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, PYTHONPATH=os.pathsep.join(
                             [str(Path(energy.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")])))
    assert run.returncode == 0, f"docs/python.md's first program failed:\n{run.stdout}\n{run.stderr}"

    def lines(text):
        return [line.rstrip() for line in text.strip("\n").split("\n")]

    assert lines(run.stdout) == lines(expected), f"the program printed\n{run.stdout}\nbut the page shows\n{expected}"
    assert (tmp_path / "site.db").exists()
