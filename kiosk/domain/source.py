"""The programme file read once, and validated when first needed rather than before the first screen.

Validating means importing pydantic and building the models: about 60 ms, a quarter of a desk's
start-up. The store remembers the digest of the file it last validated and synced, with the event's
name, date and time zone; a desk whose file is unchanged paints its first screen from those facts
and validates the very same bytes right after (`DeferredProgramme`). A changed or broken file is
still validated before anything shows, so its problems stop the start as they always did.

No pydantic here: this module is on the start path that avoids it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.domain.programme import Programme


class ProgrammeError(Exception):
    """A programme file that cannot be used; `problems` holds one printable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ProgrammeSource:
    """The text of a programme file and the SHA-256 of its bytes."""

    path: Path
    text: str
    digest: str

    @classmethod
    def read(cls, path: str | Path) -> ProgrammeSource:
        """Read the file, or raise ProgrammeError saying why it cannot be read."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ProgrammeError([f"{path.name}: no such file ({path})"]) from None
        except OSError as error:
            raise ProgrammeError([f"{path.name}: cannot be read: {error}"]) from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ProgrammeError([f"{path.name}: cannot be read: {error}"]) from None
        return cls(path, text, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class EventFacts:
    """What the first screen needs of the event: its name, and the date and zone of its clock."""

    name: str
    date: dt.date | None
    timezone: str


class DeferredProgramme:
    """The validated programme of one source, made on first use by whichever thread asks first."""

    def __init__(self, source: ProgrammeSource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._programme: Programme | None = None

    @property
    def ready(self) -> bool:
        """True once the programme has been validated."""
        return self._programme is not None

    def get(self) -> Programme:
        """The programme (validating it now if no one has yet); ProgrammeError when it is not valid."""
        with self._lock:
            if self._programme is None:
                from kiosk.domain.loader import parse_source

                self._programme = parse_source(self.source)
            return self._programme

    def event(self) -> EventFacts:
        """The event's facts, from the validated programme."""
        event = self.get().event
        return EventFacts(event.name, event.date, event.timezone)
