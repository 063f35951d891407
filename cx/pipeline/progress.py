"""What a refresh tells while it runs: each stage as it starts and each file as it is read.

A refresh of years of exports takes minutes; the person who started it should see where it
is. On a terminal that is a progress bar (rich); in a log, a pipe or the Data page (which
reads the refresh's output line by line) it is one line per file read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


class Progress:
    """One line per file read, through `say`; stages are told by the refresh's stage lines."""

    def __init__(self, say: Callable[[str], None] = print):
        self.say = say

    def stage(self, number: int, total: int, name: str) -> None:
        """Stage `number` of `total` starts."""

    def files(self, source: str, count: int) -> None:
        """The source has `count` files to read."""

    def file(self, text: str) -> None:
        """A file was read (or its checked rows reused): its account."""
        self.say("      " + text)

    def close(self) -> None:
        """The refresh is over."""


class Bar(Progress):
    """A progress bar on the terminal: the stage, and the files of the source being read. The
    refresh's own lines are printed above it."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.console = Console(stderr=False, highlight=False)
        self._bar = RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self.console, transient=True,
        )
        self._stage = self._bar.add_task("starting", total=None)
        self._files = None
        self._bar.start()
        super().__init__(self.print)

    def print(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def stage(self, number: int, total: int, name: str) -> None:
        self._bar.update(self._stage, description=f"[{number}/{total}] {name}", completed=number - 1, total=total)
        if self._files is not None and name != "read":
            self._bar.remove_task(self._files)
            self._files = None

    def files(self, source: str, count: int) -> None:
        if self._files is not None:
            self._bar.remove_task(self._files)
        self._files = self._bar.add_task(f"  {source} files", total=max(count, 1))

    def file(self, text: str) -> None:
        super().file(text)
        if self._files is not None:
            self._bar.advance(self._files)

    def close(self) -> None:
        self._bar.stop()


def for_terminal(stream=None) -> Progress:
    """A bar when the output is a terminal, lines otherwise."""
    stream = stream or sys.stdout
    return Bar() if stream.isatty() else Progress()
