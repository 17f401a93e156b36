"""Errors the user fixes, not meetsync: no OAuth client, no connection, a refused refresh
token, an API not enabled in the Cloud project. Each message is one line that ends with what
to do next; the `meetsync` command and Dagster runs print it as that one line."""

from __future__ import annotations


class SetupError(RuntimeError):
    """A setup problem; ``str(error)`` is the one line to show."""


def setup_error_names() -> frozenset[str]:
    """``module.Class`` of SetupError and every subclass defined so far: how a Python
    traceback (and Dagster's record of one) names them."""
    found: set[type] = set()
    pending: list[type] = [SetupError]
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.add(cls)
            pending.extend(cls.__subclasses__())
    return frozenset(f"{cls.__module__}.{cls.__qualname__}" for cls in found)


class MissingClientError(SetupError):
    """The OAuth client credentials are not configured."""

    def __init__(self) -> None:
        super().__init__(
            "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set "
            "(an OAuth client of type Desktop app; see README)."
        )
