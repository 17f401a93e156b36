"""The lines typed at the prompt, kept between sessions in a readline history file (mode 0600,
replaced atomically; 1000 lines)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, TracebackType

HISTORY_FILENAME = "sql_history"
HISTORY_LENGTH = 1000


def readline_module() -> ModuleType | None:
    """Python's readline (line editing, history), where this Python has it."""
    try:
        import readline
    except ImportError:
        return None
    return readline


class History:
    """Loads ``path`` into readline on entry, writes it back on exit. Without readline, or
    with no path, it does nothing; a file it cannot read or write is reported, never fatal."""

    def __init__(self, path: Path | None, report: Callable[[str], None]) -> None:
        self.path, self.report = path, report
        self.readline = readline_module() if path is not None else None

    def __enter__(self) -> History:
        if self.readline is None or self.path is None:
            return self
        self.readline.clear_history()
        self.readline.set_history_length(HISTORY_LENGTH)
        try:
            self.readline.read_history_file(str(self.path))
        except FileNotFoundError:
            pass
        except OSError as error:
            self.report(f"history not loaded from {self.path}: {error.strerror or error}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.readline is None or self.path is None:
            return
        try:
            write_history(self.readline, self.path)
        except OSError as failure:
            self.report(f"history not saved to {self.path}: {failure.strerror or failure}")


def write_history(readline: ModuleType, path: Path) -> None:
    """readline's history into ``path``: written to a 0600 file beside it, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)  # mkstemp made it 0600; readline rewrites it in place
    try:
        readline.write_history_file(temporary)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
