"""Drive's error bodies over HTTP, as Drive's "Resolve errors" guide shows them: 404
``notFound``, 403 ``exportSizeLimitExceeded``, ``domainPolicy``, ``fileNotExportable``; a
disabled Drive API; and the one-file ``files.list`` meetsync's Drive check makes."""

from __future__ import annotations

import json

import pytest
from googleapiclient.errors import HttpError

from emulator import Emulator, Workspace, generate_workspace
from emulator.apis.drive_api import DOMAIN_POLICY, TOO_LARGE
from emulator.data.meet_docs import DOC_MIME_TYPE, SHARED
from tests.helpers import (
    CALENDAR_SCOPE,
    DRIVE_MEET_SCOPE,
    FIXED_END_DATE,
    FIXED_NOW,
    drive_service,
)

DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"


@pytest.fixture
def workspace() -> Workspace:
    return generate_workspace(
        seed=5, end_date=FIXED_END_DATE, days=6, meetings_per_day=4, now=FIXED_NOW
    )


def shared_docs(workspace: Workspace) -> list[dict]:
    return [
        f
        for f in workspace.drive_files.values()
        if f.get("_access") == SHARED
        and f.get("mimeType") == DOC_MIME_TYPE
        and f.get("_meet_written")
    ]


def error_of(call) -> tuple[int, dict]:
    with pytest.raises(HttpError) as caught:
        call.execute()
    return caught.value.resp.status, json.loads(caught.value.content)["error"]


def legacy(status: int, reason: str, message: str) -> dict:
    """The body of a Drive error with one ``errors[]`` item, as Drive sends it."""
    item = {"domain": "global", "reason": reason, "message": message}
    return {"errors": [item], "code": status, "message": message}


def test_a_doc_too_large_to_export_is_403_export_size_limit_exceeded(
    emulator: Emulator, workspace: Workspace
) -> None:
    doc = shared_docs(workspace)[0]
    doc["_access"] = TOO_LARGE
    files = drive_service(emulator.url, emulator.issue_token()).files()
    assert files.get(fileId=doc["id"]).execute()["id"] == doc["id"]  # metadata still reads
    status, error = error_of(files.export(fileId=doc["id"], mimeType="text/plain"))
    expected = legacy(403, "exportSizeLimitExceeded", "This file is too large to be exported.")
    assert (status, error) == (403, expected)


def test_a_domain_policy_refuses_every_call_with_403_domain_policy(
    emulator: Emulator, workspace: Workspace
) -> None:
    doc = shared_docs(workspace)[0]
    doc["_access"] = DOMAIN_POLICY
    files = drive_service(emulator.url, emulator.issue_token()).files()
    expected = legacy(403, "domainPolicy", "The domain administrators have disabled Drive apps.")
    assert error_of(files.get(fileId=doc["id"])) == (403, expected)
    assert error_of(files.export(fileId=doc["id"], mimeType="text/plain")) == (403, expected)


def test_a_file_that_is_not_a_doc_is_403_file_not_exportable(
    emulator: Emulator, workspace: Workspace
) -> None:
    doc = shared_docs(workspace)[0]
    doc["mimeType"] = "text/plain"  # as Meet writes some transcripts now
    files = drive_service(emulator.url, emulator.issue_token()).files()
    status, error = error_of(files.export(fileId=doc["id"], mimeType="text/plain"))
    expected = legacy(403, "fileNotExportable", "Export only supports Docs Editors files.")
    assert (status, error) == (403, expected)


def test_a_missing_file_and_one_the_scope_hides_are_the_same_404(
    emulator: Emulator, workspace: Workspace
) -> None:
    hidden = next(f for f in workspace.drive_files.values() if not f.get("_meet_written"))
    files = drive_service(emulator.url, emulator.issue_token()).files()
    for file_id in ("no-such-file", hidden["id"]):
        status, error = error_of(files.export(fileId=file_id, mimeType="text/plain"))
        assert (status, error["errors"][0]["reason"]) == (404, "notFound")
        assert error["message"] == f"File not found: {file_id}."


def test_files_list_pages_the_files_the_scope_shows(emulator: Emulator, workspace: Workspace):
    meet_only = drive_service(
        emulator.url, emulator.issue_token((CALENDAR_SCOPE, DRIVE_MEET_SCOPE))
    )
    first = meet_only.files().list(pageSize=1, fields="nextPageToken,files(id)").execute()
    (only,) = first["files"]
    assert set(only) == {"id"} and workspace.drive_files[only["id"]]["_meet_written"]
    seen, token = [only["id"]], first["nextPageToken"]
    while token:
        page = meet_only.files().list(pageSize=50, pageToken=token).execute()
        assert page["kind"] == "drive#fileList"
        seen += [f["id"] for f in page["files"]]
        token = page.get("nextPageToken")
    visible = [f for f in workspace.drive_files.values() if f.get("_access") != "deleted"]
    assert set(seen) == {f["id"] for f in visible if f.get("_meet_written")}
    broad = drive_service(emulator.url, emulator.issue_token((DRIVE_READONLY,)))
    listed = broad.files().list(pageSize=1000).execute()["files"]
    assert len(listed) == len(visible) > len(seen)
    status, error = error_of(meet_only.files().list(pageSize=0))
    assert (status, error["errors"][0]["reason"]) == (400, "invalid")


def test_a_disabled_drive_api_answers_access_not_configured(
    emulator: Emulator, workspace: Workspace
) -> None:
    files = drive_service(emulator.url, emulator.issue_token()).files()
    emulator.disable_api("drive")
    status, error = error_of(files.list(pageSize=1))
    assert (status, error["code"], error["status"]) == (403, 403, "PERMISSION_DENIED")
    assert error["message"].startswith("Google Drive API has not been used in project")
    (legacy_item,) = error["errors"]
    assert (legacy_item["reason"], legacy_item["domain"]) == ("accessNotConfigured", "usageLimits")
    info = error["details"][0]
    assert (info["reason"], info["metadata"]["service"]) == (
        "SERVICE_DISABLED",
        "drive.googleapis.com",
    )
    assert info["metadata"]["activationUrl"] in error["message"]
    doc = shared_docs(workspace)[0]
    assert error_of(files.export(fileId=doc["id"], mimeType="text/plain"))[0] == 403
    emulator.enable_api("drive")
    assert files.list(pageSize=1).execute()["files"]
