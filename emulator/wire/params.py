"""Query-parameter readers shared by the Calendar and Meet handlers."""

from __future__ import annotations

from emulator.wire.errors import Api, invalid_value

Params = dict[str, list[str]]


def one(params: Params, name: str) -> str | None:
    """The last value of ``name`` (Google takes the last of repeated scalars), or None."""
    values = params.get(name)
    return values[-1] if values else None


def flag(params: Params, name: str, api: Api, default: bool = False) -> bool:
    """A boolean parameter (``true``/``false``)."""
    value = one(params, name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise invalid_value(api, name, value)
    return lowered == "true"


def page_size(
    params: Params, name: str, api: Api, default: int, maximum: int, minimum: int = 1
) -> int:
    """A page size: missing/zero means ``default``, larger than ``maximum`` is capped."""
    value = one(params, name)
    if value is None or value == "":
        return default
    try:
        size = int(value)
    except ValueError:
        raise invalid_value(api, name, value) from None
    if size == 0 and minimum == 0:
        return default
    if size < minimum:
        raise invalid_value(api, name, value)
    return min(size, maximum)
