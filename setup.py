"""Build step: copy the top-level programme and stylesheet into the `kiosk` package of a wheel.

Everything else about the build is in pyproject.toml. setuptools packages only files inside a
package's own folder, while `data/programme.toml` and `styles.tcss` stay at the top of the
repository, where they are edited (one copy each). This step copies them into the built package as
`kiosk/_shipped/...` (where `kiosk.shipped` finds them in an installed wheel) and lists them as
sources, so the sdist carries them too and a wheel built from the sdist has them.
"""

from __future__ import annotations

from glob import glob
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# Paths relative to the top of the repository; kept the same under kiosk/_shipped/.
SHIPPED = ("data/programme.toml", "styles.tcss")


def shipped_files() -> list[str]:
    """The top-level files that ship inside the package (each pattern must match something)."""
    found = []
    for pattern in SHIPPED:
        matches = sorted(glob(pattern))
        if not matches:
            raise SystemExit(f"setup.py: nothing matches {pattern!r}; is this the top of the repository?")
        found += matches
    return found


class BuildPyWithShipped(build_py):
    """`build_py`, plus the shipped files copied to `kiosk/_shipped/` in the build."""

    def run(self) -> None:
        """Build the package, then copy the shipped files beside it."""
        super().run()
        if getattr(self, "editable_mode", False):
            # An editable install runs the checkout itself, which reads the files where they are.
            return
        for name in shipped_files():
            target = Path(self.build_lib, "kiosk", "_shipped", name)
            self.mkpath(str(target.parent))
            self.copy_file(name, str(target))

    def get_source_files(self) -> list[str]:
        """The sources the sdist takes: the package's, plus the shipped files."""
        return [*super().get_source_files(), *shipped_files()]


setup(cmdclass={"build_py": BuildPyWithShipped})
