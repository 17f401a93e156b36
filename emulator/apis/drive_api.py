"""Drive v3: ``files.get`` and ``files.export`` of the files in the workspace's Drive.

Files are Drive v3 File dicts plus private keys: ``_text`` (what a ``text/plain`` export
returns), ``_access`` (``shared``, ``not_shared``: 403, ``deleted``: 404) and ``_meet_written``.
A token whose only Drive scope is ``drive.meet.readonly`` sees just the files Meet wrote;
any other file is "not found" to it, as Google documents for that scope.
"""

from __future__ import annotations

from typing import Any

from emulator.apis.meet_api import public
from emulator.data.account import Workspace
from emulator.data.meet_docs import DELETED, DOC_MIME_TYPE, EXPORT_FORMATS, NOT_SHARED
from emulator.wire.errors import calendar_error, file_not_found, insufficient_file_permissions
from emulator.wire.fields import apply_fields, parse_fields
from emulator.wire.params import Params, one
from emulator.wire.reply import Reply
from emulator.wire.routes import SCOPE_PREFIX

MEET_ONLY_SCOPE = SCOPE_PREFIX + "drive.meet.readonly"
DEFAULT_FIELDS = "kind,id,name,mimeType"  # what files.get returns without ``fields``
EXPORT_TYPE = "text/plain; charset=UTF-8"


def _visible_file(ws: Workspace, file_id: str, scopes: tuple[str, ...]) -> dict[str, Any]:
    """The file, after Drive's visibility and permission checks."""
    file = ws.drive_files.get(file_id)
    if file is None or file.get("_access") == DELETED:
        raise file_not_found(file_id)
    meet_only = all(s == MEET_ONLY_SCOPE for s in scopes if s.startswith(SCOPE_PREFIX + "drive"))
    if meet_only and not file.get("_meet_written"):
        raise file_not_found(file_id)
    if file.get("_access") == NOT_SHARED:
        raise insufficient_file_permissions(file_id)
    return file


def get_file(
    ws: Workspace, file_id: str, params: Params, scopes: tuple[str, ...]
) -> dict[str, Any]:
    """``files.get``: the file's metadata (``kind,id,name,mimeType`` unless ``fields`` asks)."""
    file = public(_visible_file(ws, file_id, scopes))
    if one(params, "fields") is not None:
        return file  # the server applies the caller's selection
    return apply_fields(file, parse_fields(DEFAULT_FIELDS))


def export_file(ws: Workspace, file_id: str, params: Params, scopes: tuple[str, ...]) -> Reply:
    """``files.export``: a Google Doc's content in ``mimeType`` (text/plain here)."""
    mime_type = one(params, "mimeType")
    if not mime_type:
        raise calendar_error(
            400,
            "required",
            "Required parameter: mimeType",
            location="mimeType",
            locationType="parameter",
        )
    file = _visible_file(ws, file_id, scopes)
    if file.get("mimeType") != DOC_MIME_TYPE:
        raise calendar_error(403, "fileNotExportable", "Export only supports Docs Editors files.")
    if mime_type not in EXPORT_FORMATS:
        raise calendar_error(400, "badRequest", "The requested conversion is not supported.")
    if mime_type != "text/plain":
        raise calendar_error(500, "backendError", "The emulator exports text/plain only.")
    return Reply(200, str(file.get("_text", "")).encode("utf-8"), EXPORT_TYPE)
