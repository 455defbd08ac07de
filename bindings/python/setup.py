# SPDX-License-Identifier: Apache-2.0
"""Builds the _energy extension with the project's own CMake (offline, Debian packages only).

    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/python -m pip install --no-build-isolation --no-index bindings/python
"""
import os
import re
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parents[2]


def project_version() -> str:
    """The version in `project(energy VERSION x.y.z ...)` of the top-level CMakeLists.txt: the one
    number of the C++ library, its CMake package and this package (tests/unit/packaging checks)."""
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"^project\(energy\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)\b", text, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no project(energy VERSION x.y.z) in {ROOT / 'CMakeLists.txt'}")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        out_dir = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build_dir = Path(self.build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
            "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF", "-DENERGY_BUILD_PYTHON=ON",
            "-DENERGY_BUILD_EXAMPLES=OFF", "-DENERGY_BUILD_CLI=OFF", "-DENERGY_BUILD_BENCHMARKS=OFF",
            "-DENERGY_INSTALL=OFF", f"-DPython_EXECUTABLE={sys.executable}",
            f"-DENERGY_PYTHON_OUTPUT_DIR={out_dir}",
        ]
        if subprocess.run(["sh", "-c", "command -v ccache"], capture_output=True).returncode == 0:
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_energy", "-j", str(os.cpu_count() or 2)],
                       check=True)


setup(
    version=project_version(),
    packages=["energy"],
    package_data={"energy": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("energy._energy")],
    cmdclass={"build_ext": CMakeBuild},
)
