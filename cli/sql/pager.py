"""Results longer or wider than the terminal go through a pager (``$PAGER``, else
``less -FRX``); shorter ones, and everything not written to a terminal, are printed as they are."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TextIO

from cli.sql.rendering import display_width

DEFAULT_PAGER = "less -FRX"  # quit if one screen, keep colours, leave the text on screen
NO_PAGER = frozenset({"", "cat"})


def pager_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run: ``$PAGER`` (empty or ``cat``: none), else DEFAULT_PAGER."""
    env = os.environ if environ is None else environ
    text = env.get("PAGER", DEFAULT_PAGER).strip()
    if text in NO_PAGER:
        return None
    try:
        return shlex.split(text) or None
    except ValueError:  # unbalanced quotes: not a command we can run
        return None


def fits(text: str, size: os.terminal_size) -> bool:
    """Whether ``text`` fits the terminal without scrolling the prompt away or wrapping."""
    lines = text.splitlines()
    return len(lines) < size.lines and all(display_width(line) <= size.columns for line in lines)


@dataclass
class Pager:
    """Shows text on a terminal, through ``command`` when it does not fit."""

    stdout: TextIO
    command: list[str] | None

    def show(self, text: str) -> None:
        if self.command is None or fits(text, shutil.get_terminal_size()):
            self.write(text)
            return
        self.stdout.flush()
        encoding = getattr(self.stdout, "encoding", None) or "utf-8"
        try:
            with interrupts_left_to_the_pager():
                subprocess.run(
                    self.command, input=text, text=True, encoding=encoding, errors="replace"
                )
        except OSError:  # no such pager: print instead
            self.write(text)

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


def plain_output(stdout: TextIO) -> Pager:
    """Output that is not a terminal's: no pager."""
    return Pager(stdout, None)


@contextlib.contextmanager
def interrupts_left_to_the_pager() -> Iterator[None]:
    """Ctrl-C while paging is the pager's to handle (less stops scrolling); meetsync lets it
    pass meanwhile, as git does. A handler that does nothing, not SIG_IGN: the pager starts
    with the default disposition, as exec resets caught signals but keeps ignored ones."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
