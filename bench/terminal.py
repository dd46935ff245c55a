"""A real terminal for the benchmarks: tmux, keys by send-keys, the screen by capture-pane."""

from __future__ import annotations

import shlex
import subprocess
import time


class Terminal:
    """One detached tmux session running one command."""

    def __init__(self, name: str, command: list[str], cols: int = 80, rows: int = 24, env: dict | None = None) -> None:
        self.name = name
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        line = f"env TERM=xterm-256color {exports} {shlex.join(command)}"
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        self.started = time.perf_counter()
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(cols), "-y", str(rows), line], check=True)

    def screen(self) -> str:
        """The visible text."""
        return subprocess.run(["tmux", "capture-pane", "-t", self.name, "-p"], capture_output=True, text=True).stdout

    def type(self, text: str) -> None:
        """Type text literally, as a scanner does: one burst."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", "--", text], check=True)

    def keys(self, *keys: str) -> None:
        """Send named keys (Enter, Escape, ...)."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        """Seconds until `needle` shows on the screen (raises TimeoutError)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if needle in self.screen():
                return time.perf_counter() - start
            time.sleep(0.002)
        raise TimeoutError(f"{needle!r} did not show in {timeout} s on {self.name}:\n{self.screen()}")

    def pid(self) -> int:
        """The process id of the command (the pane's process)."""
        out = subprocess.run(["tmux", "display", "-p", "-t", self.name, "#{pane_pid}"], capture_output=True, text=True)
        return int(out.stdout.strip())

    def stop(self) -> None:
        """End the session."""
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
