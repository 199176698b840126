"""Typed errors of the core. Each carries a Vietnamese message and a hint; the edges
(command line, pages) translate them for people, so no traceback ever reaches a user."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One problem found in an input, with where it is (file, sheet, cell, line, field)."""

    where: str
    message: str
    hint: str = ""

    MAX_CHARS = 600  # a message quotes cells and names; a 40 MB cell must not become a 40 MB message

    def __post_init__(self):
        if len(self.message) > self.MAX_CHARS:
            self.message = self.message[:self.MAX_CHARS] + "…"
        if len(self.where) > 200:
            self.where = self.where[:200] + "…"

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} {self.hint}".strip() if self.hint else text


class AppError(Exception):
    """Base of every error meant for a person. `message` and `hint` are Vietnamese."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems: list[Problem] = list(problems or [])

    def lines(self) -> list[str]:
        out = [self.message]
        out += [f"  - {p}" for p in self.problems]
        if self.hint:
            out.append(f"Cách khắc phục: {self.hint}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class UsageError(AppError):
    """A wrong command-line argument or form field."""

    exit_code = 2


class NotFound(UsageError):
    """A plan, target, agency or period that does not exist."""


class CatalogueError(AppError):
    """A catalogue file under data/plans that does not validate."""


class InputRefused(AppError):
    """An uploaded or imported file that is refused; nothing was written."""


class DatabaseBusy(AppError):
    """Another process holds the DuckDB file, or (PostgreSQL) another writer held the write lock too long."""


class PermissionDenied(AppError):
    """A user tries to do something their role or agencies do not allow."""
