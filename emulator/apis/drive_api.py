"""Drive v3: ``files.list``, ``files.get`` and ``files.export`` of the files in the workspace's
Drive.

Files are Drive v3 File dicts plus private keys: ``_text`` (what a ``text/plain`` export
returns), ``_access`` and ``_meet_written``. ``_access`` is ``shared``; ``not_shared`` and
``deleted`` (both 404 ``notFound``: Drive answers a file the caller may not read as one that
does not exist; ``insufficientFilePermissions`` is about write access); ``too_large`` (an
export answers 403 ``exportSizeLimitExceeded``: Drive exports at most 10 MB); ``domain_policy``
(403 ``domainPolicy``: the organisation does not let the app use Drive). Exporting a file that
is not a Google Doc answers 403 ``fileNotExportable``. Each body is the one Drive's "Resolve
errors" guide shows. A token whose only Drive scope is ``drive.meet.readonly`` sees just the
files Meet wrote; any other file is "not found" to it, as Google documents for that scope.
"""

from __future__ import annotations

from typing import Any

from emulator.apis.meet_api import public
from emulator.data.account import Workspace
from emulator.data.meet_docs import DELETED, DOC_MIME_TYPE, EXPORT_FORMATS, NOT_SHARED
from emulator.wire.errors import (
    calendar_error,
    domain_policy,
    export_size_limit_exceeded,
    file_not_exportable,
    file_not_found,
    invalid_value,
)
from emulator.wire.fields import apply_fields, parse_fields
from emulator.wire.paging import InvalidPageToken, page
from emulator.wire.params import Params, one
from emulator.wire.reply import Reply
from emulator.wire.routes import SCOPE_PREFIX

MEET_ONLY_SCOPE = SCOPE_PREFIX + "drive.meet.readonly"
DEFAULT_FIELDS = "kind,id,name,mimeType"  # what files.get returns without ``fields``
EXPORT_TYPE = "text/plain; charset=UTF-8"
TOO_LARGE, DOMAIN_POLICY = "too_large", "domain_policy"
LIST_PAGE_DEFAULT, LIST_PAGE_MAX = 100, 1000  # files.list's pageSize (discovery document)


def _meet_only(scopes: tuple[str, ...]) -> bool:
    return all(s == MEET_ONLY_SCOPE for s in scopes if s.startswith(SCOPE_PREFIX + "drive"))


def _visible_file(ws: Workspace, file_id: str, scopes: tuple[str, ...]) -> dict[str, Any]:
    """The file, after Drive's visibility and permission checks."""
    file = ws.drive_files.get(file_id)
    if file is None or file.get("_access") == DELETED:
        raise file_not_found(file_id)
    if _meet_only(scopes) and not file.get("_meet_written"):
        raise file_not_found(file_id)
    if file.get("_access") == DOMAIN_POLICY:
        raise domain_policy()
    if file.get("_access") == NOT_SHARED:
        raise file_not_found(file_id)  # Drive: no read access looks like no such file
    return file


def list_files(
    ws: Workspace, _args: tuple[str, ...], params: Params, scopes: tuple[str, ...]
) -> dict[str, Any]:
    """``files.list``: the files the token may see (no ``q`` search), ``pageSize`` at a time."""
    size_text = one(params, "pageSize") or str(LIST_PAGE_DEFAULT)
    try:
        size = int(size_text)
    except ValueError:
        raise invalid_value("drive", "pageSize", size_text) from None
    if not 1 <= size <= LIST_PAGE_MAX:
        raise invalid_value("drive", "pageSize", size_text)
    meet_only = _meet_only(scopes)
    visible = [
        public(f)
        for f in ws.drive_files.values()
        if f.get("_access") != DELETED and (f.get("_meet_written") or not meet_only)
    ]
    query = f"files.list:{'meet' if meet_only else 'all'}"  # a page may change its size
    try:
        files, token = page(visible, one(params, "pageToken"), size, query)
    except InvalidPageToken:
        raise invalid_value("drive", "pageToken", one(params, "pageToken") or "") from None
    found: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
    if token:
        found["nextPageToken"] = token
    found["files"] = [apply_fields(f, parse_fields(DEFAULT_FIELDS)) for f in files]
    return found


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
        raise file_not_exportable()
    if mime_type not in EXPORT_FORMATS:
        raise calendar_error(400, "badRequest", "The requested conversion is not supported.")
    if mime_type != "text/plain":
        raise calendar_error(500, "backendError", "The emulator exports text/plain only.")
    if file.get("_access") == TOO_LARGE:
        raise export_size_limit_exceeded()
    return Reply(200, str(file.get("_text", "")).encode("utf-8"), EXPORT_TYPE)
