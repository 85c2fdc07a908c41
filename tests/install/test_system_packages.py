"""The system packages for Qt's xcb platform (ui/app.py, the README's apt line), checked with ldd."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui import app

# Libraries of Debian's required packages (libc6, libgcc-s1, libstdc++6, zlib1g, libzstd1): on every system.
EVERYWHERE = {"linux-vdso.so.1", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
              "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libzstd.so.1"}


def qt_folder() -> Path:
    """PySide6's bundled Qt (libraries and plugins)."""
    return Path(importlib.util.find_spec("PySide6").submodule_search_locations[0]) / "Qt"


def xcb_files() -> list[Path]:
    """The xcb platform plugin and its GL integrations (loaded by Qt on an X11 desktop)."""
    plugins = qt_folder() / "plugins"
    return [plugins / "platforms" / "libqxcb.so", *sorted((plugins / "xcbglintegrations").glob("*.so"))]


def ldd(path: Path) -> dict[str, str | None]:
    """Every library path needs, directly or not, with where it was found (None: not found)."""
    output = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in output.splitlines():
        name, arrow, where = line.strip().partition(" => ")
        if arrow:
            found[name] = None if where.startswith("not found") else where.rsplit(" (", 1)[0]
    return found


def listed() -> dict[str, str]:
    """Each library of XCB_PACKAGES with its Debian package."""
    return {library: package for package, libraries in app.XCB_PACKAGES for library in libraries}


pytestmark = pytest.mark.skipif(sys.platform != "linux" or not shutil.which("ldd"), reason="ldd is Linux's")


def test_listed_packages_give_every_library_the_xcb_platform_needs():
    needed: dict[str, str | None] = {}
    for file in xcb_files():
        needed.update(ldd(file))
    system = {name: where for name, where in needed.items()
              if name not in EVERYWHERE and not name.startswith("ld-linux")
              and not (where and Path(where).resolve().is_relative_to(qt_folder().resolve()))}
    # What a listed library needs in turn comes with its package (apt installs the dependencies).
    pulled = set()
    for name in set(system) & set(listed()):
        if system[name]:
            pulled |= set(ldd(Path(system[name])))
    assert set(system) - set(listed()) - pulled == set(), "add these to ui/app.py XCB_PACKAGES"
    assert set(listed()) - set(system) == set(), "the plugin no longer needs these"


@pytest.mark.skipif(not shutil.which("dpkg"), reason="package names are read from Debian's dpkg")
def test_listed_package_names_are_the_packages_that_hold_the_libraries():
    result = subprocess.run(["dpkg", "-S", *(f"*/{name}" for name in listed())], capture_output=True, text=True)
    owners: dict[str, set[str]] = {}
    for line in result.stdout.splitlines():
        packages, _, path = line.partition(": ")
        for package in packages.split(", "):
            owners.setdefault(Path(path).name, set()).add(package.split(":")[0].removesuffix("t64"))
    installed = {name: package for name, package in listed().items() if name in owners}
    assert installed, result.stderr
    assert {name: package for name, package in installed.items() if package not in owners[name]} == {}


def test_display_problem_names_missing_libraries_and_the_apt_line(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(app, "XCB_PACKAGES", (("libc6", ("libc.so.6",)), ("libgone0", ("libgone.so.0",))))
    problem = app.display_problem()
    assert problem is not None and "libgone.so.0" in problem and "libc.so.6" not in problem
    assert "sudo apt install python3.11 python3.11-venv libc6 libgone0;" in problem and "\n" not in problem

    monkeypatch.setattr(app, "XCB_PACKAGES", (("libc6", ("libc.so.6",)),))
    assert app.display_problem() is None
