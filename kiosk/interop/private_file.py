"""Files that hold personal data, created readable and writable by their owner only (mode 0600).

Python's `open()` creates files with mode 0666 minus the umask, which on most systems leaves
them readable by every user of the machine. Every export of the kiosk writes through
`open_private` (or `private_output`), which asks the kernel for 0600 at creation, whatever the
umask, and also narrows a file that already existed with a wider mode.

An export that holds personal data says so in its file name (`personal_target`): a name without
"persoonsgegevens" or "personal" is written as `persoonsgegevens-<name>` in the same folder. The
data itself stays plain CSV or JSON (a notice line would break Excel's import and `jq`); on
stdout the notice goes to stderr instead.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

PRIVATE_MODE = 0o600
# The first line (CSV: a comment-like first cell; JSON: the first key's value) of an export that
# holds personal data, so whoever opens or forwards the file sees what it is.
PERSONAL_DATA_NOTICE = (
    "PERSOONSGEGEVENS / PERSONAL DATA (AVG/GDPR): keep this file private and delete it when done."
)

# A file name holding one of these words says it holds personal data; otherwise the prefix is added.
PERSONAL_WORDS = ("persoonsgegevens", "personal")
PERSONAL_PREFIX = "persoonsgegevens-"

# How each open() mode letter maps onto os.open flags; '+' (read and write) is added below.
_CREATE_FLAGS = {
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


def open_private(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> IO[Any]:
    """Open `path` for writing ('w', 'a', 'x', with optional 'b' or '+') as a file only its owner can read.

    The file is created with mode 0600 (umask-proof: the umask can only remove bits), an existing
    file is narrowed to 0600 before anything is written, and a symbolic link at `path` is refused
    (so nobody can plant a link in a shared folder that redirects an export).
    """
    kind = mode.replace("b", "").replace("t", "").replace("+", "")
    if kind not in _CREATE_FLAGS:
        raise ValueError(f"open_private writes files; mode {mode!r} is not one of w, a, x")
    flags = _CREATE_FLAGS[kind]
    if "+" in mode:
        flags = (flags & ~os.O_WRONLY) | os.O_RDWR
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(os.fspath(path), flags, PRIVATE_MODE)
    try:
        if hasattr(os, "fchmod"):
            # O_CREAT's mode only applies to a new file; an old 0644 file is narrowed here.
            os.fchmod(fd, PRIVATE_MODE)
        if "b" in mode:
            return os.fdopen(fd, mode)
        return os.fdopen(fd, mode, encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def private_output(
    path: str | os.PathLike[str] | None,
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Yield a private file at `path`, or stdout when `path` is None or '-' (the usual `--output` option).

    Stdout is not closed. When the shell redirected stdout into a file (`> out.json`), the shell
    created that file with its umask (often 0644): it is narrowed to 0600 before anything is
    written, as far as this process owns it.
    """
    if path is None or str(path) == "-":
        narrow_stdout()
        stream = sys.stdout.buffer if "b" in mode else sys.stdout
        yield stream
        stream.flush()
        return
    target = Path(path)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    with open_private(target, mode, encoding=encoding, newline=newline) as handle:
        yield handle


def narrow_stdout() -> bool:
    """Make stdout 0600 when it is a regular file of ours (a shell redirect); True when it is private."""
    try:
        fd = sys.stdout.fileno()
        info = os.fstat(fd)
    except (AttributeError, OSError, ValueError):
        return False  # not a real file (a test runner's capture, a closed stream)
    if not stat.S_ISREG(info.st_mode):
        return False  # a terminal or a pipe: nothing is stored by us
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        try:
            os.fchmod(fd, PRIVATE_MODE)
        except OSError:
            return False
    return (os.fstat(fd).st_mode & 0o077) == 0


def is_private(path: str | os.PathLike[str]) -> bool:
    """True when no one but the owner may read or write the file (no group or other bits)."""
    return (os.stat(path).st_mode & 0o077) == 0


def says_personal(path: str | os.PathLike[str]) -> bool:
    """True when the file name (not the folder) says it holds personal data."""
    name = Path(path).name.lower()
    return any(word in name for word in PERSONAL_WORDS)


def personal_path(path: str | os.PathLike[str]) -> Path:
    """`path` when its file name says it holds personal data, else the same folder with the name prefixed."""
    target = Path(path)
    return target if says_personal(target) else target.with_name(PERSONAL_PREFIX + target.name)


def personal_target(output: str | None) -> str | None:
    """Where an export of personal data goes (`--output`), saying on stderr what it is.

    None or '-' (stdout) stays stdout, with PERSONAL_DATA_NOTICE on stderr (the data stays valid
    CSV/JSON); a file name that does not say "personal"/"persoonsgegevens" gets the prefix, and
    stderr says where the file went instead.
    """
    if output is None or output == "-":
        print(PERSONAL_DATA_NOTICE, file=sys.stderr, flush=True)
        return output
    target = personal_path(output)
    if target != Path(output):
        print(f"{output}: holds personal data, so written as {target} (a file name with "
              f"'personal' or 'persoonsgegevens' is kept as given).", file=sys.stderr, flush=True)
    return str(target)
