# SPDX-License-Identifier: Apache-2.0
"""Runs the examples of docs/cli.md (the `sh` blocks between the cli-examples markers) in order,
in one shell, against a fresh demo database; each must succeed and print what the `text` block
after it shows (UUIDs as <id>, the data directory as $DATA, the time a tariff version was
recorded as <time>, trailing blanks ignored).

usage: docs_examples_test.py PATH/TO/energy DOCS/cli.md DATA_DIR EXAMPLES_DIR [--update]
--update rewrites the output blocks from a run (then review the diff)."""
import os
import re
import subprocess
import sys
import tempfile

ENERGY, DOC, DATA, EXAMPLES = sys.argv[1:5]
UPDATE = "--update" in sys.argv[5:]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RECORDED = re.compile(r"recorded \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
BLOCK = re.compile(r"```sh\n(.*?)```\n```text\n(.*?)```\n", re.S)


def normalise(text):
    text = text.replace(os.path.abspath(DATA), "$DATA")
    return "\n".join(RECORDED.sub("recorded <time>", UUID.sub("<id>", line)).rstrip()
                     for line in text.strip("\n").split("\n"))


def main():
    doc = open(DOC).read()
    begin, end = doc.index("<!-- cli-examples:begin -->"), doc.index("<!-- cli-examples:end -->")
    section = doc[begin:end]
    blocks = BLOCK.findall(section)
    assert len(blocks) >= 3, "docs/cli.md: the example section lost its blocks"
    marker = "@@energy-docs-example@@"
    script = "set -euo pipefail\n" + "".join(f"{code}echo {marker}\n" for code, _ in blocks)
    with tempfile.TemporaryDirectory() as d:
        os.symlink(os.path.abspath(ENERGY), os.path.join(d, "energy"))
        env = dict(os.environ, PATH=d + os.pathsep + os.environ["PATH"], DATA=os.path.abspath(DATA),
                   EXAMPLES=os.path.abspath(EXAMPLES))
        env.pop("ENERGY_DB", None)
        p = subprocess.run(["bash", "-c", script], cwd=d, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"an example failed (exit {p.returncode}):\n{p.stdout}\n{p.stderr}"
    outputs = p.stdout.split(marker + "\n")[:-1]
    assert len(outputs) == len(blocks), (len(outputs), len(blocks))
    if UPDATE:
        new = section
        for (code, old), out in zip(blocks, outputs):
            new = new.replace(f"```sh\n{code}```\n```text\n{old}```\n",
                              f"```sh\n{code}```\n```text\n{normalise(out)}\n```\n", 1)
        open(DOC, "w").write(doc[:begin] + new + doc[end:])
        print("updated")
        return
    for (code, expected), out in zip(blocks, outputs):
        assert normalise(out) == normalise(expected), f"docs/cli.md example\n{code}printed\n{normalise(out)}\n" \
                                                       f"but the page shows\n{normalise(expected)}"
    print(f"ok: {len(blocks)} examples")


if __name__ == "__main__":
    main()
