"""Every error corridor raises on purpose.

Each one says what came in, what was expected and, where it can, how to fix it.
The CLI maps each kind to an exit code (see ``EXIT_CODES``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "EXIT_CODES",
    "ClusterError",
    "CorridorError",
    "DataError",
    "InfeasibleError",
    "NoRouteError",
    "Problem",
    "RequestError",
    "ScenarioError",
    "SolverError",
    "StoreError",
    "UnknownNodeError",
]


class CorridorError(Exception):
    """Base class of every error corridor raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is, what it holds, what was expected.

    ``row`` is the spreadsheet row: the header is row 1, the first data row is row 2
    (the same as the line number for files without line breaks inside fields).
    """

    file: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        return f"{where}: {self.message}"


class DataError(CorridorError, ValueError):
    """Input data (a CSV table, a dataset folder) breaks the schema.

    Carries every problem found, not only the first, so a user can fix them all in one pass.
    """

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="input", message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self, limit: int = 50) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"... and {hidden} more problems")
        head = "1 problem" if len(self.problems) == 1 else f"{len(self.problems)} problems"
        return f"{head} in the input:\n" + "\n".join(f"  {line}" for line in lines)


class ScenarioError(CorridorError, ValueError):
    """A scenario is malformed or refers to something that does not exist."""


class RequestError(CorridorError, ValueError):
    """A request is out of range (a k of 10,000, an empty list of places, ...)."""


class UnknownNodeError(CorridorError, KeyError):
    """A place name or id that resolves to no node, with the closest names as suggestions."""

    def __init__(self, name: str, suggestions: Sequence[tuple[str, str]] = (), *, what: str = "node") -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        message = f"unknown {what} {name!r}"
        if self.suggestions:
            options = ", ".join(f"{label!r} ({node_id})" for label, node_id in self.suggestions)
            message += f"; did you mean {options}?"
        else:
            message += "; run 'corridor network show' to list the nodes"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class NoRouteError(CorridorError):
    """No route satisfies the constraints; ``cut_by`` names the constraints that cut it."""

    def __init__(self, message: str, cut_by: Sequence[str] = ()) -> None:
        self.cut_by = tuple(cut_by)
        super().__init__(message)


class InfeasibleError(CorridorError):
    """An optimisation problem has no solution; the message says why."""


class SolverError(CorridorError):
    """The solver failed or returned a status corridor cannot use."""


class StoreError(CorridorError):
    """The results file cannot be used (another schema version, not a corridor store, ...)."""


class ClusterError(CorridorError):
    """The compute cluster cannot be used (a scheduler address that does not answer, ...)."""


EXIT_CODES: dict[type[CorridorError], int] = {
    DataError: 3,
    ScenarioError: 3,
    RequestError: 2,
    UnknownNodeError: 4,
    NoRouteError: 5,
    InfeasibleError: 6,
    SolverError: 7,
    StoreError: 8,
    ClusterError: 9,
}
