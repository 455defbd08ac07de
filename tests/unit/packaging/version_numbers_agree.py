# SPDX-License-Identifier: Apache-2.0
"""Checks that the C++ headers, the CMake package, the Python wheel metadata and the compiled
Python module all carry the version of project(VERSION): exits 1 naming each one that differs."""
import argparse
import re
import subprocess
import sys
from pathlib import Path


def header_version(path: Path) -> str:
    text = path.read_text()
    parts = [re.search(rf"#define ENERGY_VERSION_{p} (\d+)", text) for p in ("MAJOR", "MINOR", "PATCH")]
    string = re.search(r'#define ENERGY_VERSION_STRING "([^"]*)"', text)
    if not all(parts) or not string:
        return f"<no ENERGY_VERSION_* in {path}>"
    joined = ".".join(m.group(1) for m in parts)
    return joined if joined == string.group(1) else f"{joined} (macros) vs {string.group(1)} (string)"


def config_version(path: Path) -> str:
    match = re.search(r'set\(PACKAGE_VERSION "([^"]*)"\)', path.read_text())
    return match.group(1) if match else f"<no PACKAGE_VERSION in {path}>"


def setup_version(path: Path) -> str:
    # `setup.py --version` prints the metadata version (setuptools may warn on stderr first).
    out = subprocess.run([sys.executable, str(path), "--version"], cwd=path.parent,
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def module_version() -> str:
    import energy
    return energy.__version__


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--project-version", required=True)
    ap.add_argument("--header", type=Path, required=True)
    ap.add_argument("--config-version", type=Path, required=True)
    ap.add_argument("--setup", type=Path, required=True)
    args = ap.parse_args()
    found = {
        "energy/version.hpp": header_version(args.header),
        "energyConfigVersion.cmake": config_version(args.config_version),
        "setup.py --version": setup_version(args.setup),
        "energy.__version__": module_version(),
    }
    wrong = {k: v for k, v in found.items() if v != args.project_version}
    for name, value in found.items():
        print(f"{name}: {value}")
    if wrong:
        print(f"differ from project(VERSION) {args.project_version}: {', '.join(wrong)}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
