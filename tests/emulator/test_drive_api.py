"""Drive v3 over HTTP with google-api-python-client: the Docs Meet writes for transcripts,
attached to their events and named by docsDestination; unshared (403) and deleted (404) Docs."""

from __future__ import annotations

import re

import pytest
from googleapiclient.errors import HttpError

from emulator import Emulator, Workspace, generate_workspace
from emulator.data.meet_docs import DELETED, DOC_MIME_TYPE, FOOTER, NOT_SHARED, VIDEO_MIME_TYPE
from tests.helpers import (
    CALENDAR_SCOPE,
    DRIVE_MEET_SCOPE,
    FIXED_END_DATE,
    FIXED_NOW,
    api_get,
    drive_service,
)

DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"
TIMESTAMP = re.compile(r"^\d{2}:\d{2}:\d{2}$")


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return generate_workspace(
        seed=5,
        end_date=FIXED_END_DATE,
        days=40,
        meetings_per_day=5,
        now=FIXED_NOW,
        long_transcript_entries=300,
    )


def _docs(workspace: Workspace, access: str = "shared", kind: str = " - Transcript") -> list[dict]:
    return [
        f
        for f in workspace.drive_files.values()
        if f.get("_access") == access
        and f.get("mimeType") == DOC_MIME_TYPE
        and f.get("_meet_written")
        and f["name"].endswith(kind)
    ]


def test_every_generated_transcript_has_its_doc_attached_to_its_event(workspace: Workspace) -> None:
    checked = 0
    for event in workspace.events:
        attached = {a["fileId"] for a in event.get("attachments", [])}
        for record in workspace.event_records.get(event["id"], []):
            for transcript in workspace.transcripts.get(record, []):
                if transcript["state"] != "FILE_GENERATED":
                    assert "docsDestination" not in transcript
                    continue
                document = transcript["docsDestination"]["document"]
                assert document in attached and document in workspace.drive_files
                name = workspace.drive_files[document]["name"]
                assert name.startswith(f"{event['summary']} - ")
                assert re.search(r" - \d{4}/\d{2}/\d{2} \d{2}:\d{2} \S+ - ", name)
                checked += 1
    assert checked > 100  # old meetings (Meet has forgotten them) keep their Docs too
    assert all(
        workspace.scenarios[name] for name in ("doc_not_shared", "doc_deleted", "gemini_notes")
    )


def test_export_is_the_doc_in_googles_text_layout(emulator: Emulator, workspace: Workspace) -> None:
    doc = _docs(workspace)[0]
    drive = drive_service(emulator.url, emulator.issue_token())
    raw = drive.files().export(fileId=doc["id"], mimeType="text/plain").execute()
    assert isinstance(raw, bytes) and raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", lines[0])
    assert lines[1] == doc["name"].split(" - ")[0] + " - Transcript"
    assert lines[2] == "00:00:00" and lines[3] == ""
    assert lines[-2] == FOOTER and lines[-1] == ""
    assert re.fullmatch(r"Transcription ended after \d{2}:\d{2}:\d{2}", lines[-4])
    body = [line for line in lines[2:-4] if line and not TIMESTAMP.match(line)]
    assert body and all(": " in line for line in body)
    assert emulator.request_counts["drive.files.export"] == 1


def test_gemini_notes_put_the_transcript_under_its_heading(
    emulator: Emulator, workspace: Workspace
) -> None:
    doc = _docs(workspace, kind=" - Notes by Gemini")[0]
    drive = drive_service(emulator.url, emulator.issue_token())
    text = drive.files().export(fileId=doc["id"], mimeType="text/plain").execute().decode()
    notes, _, transcript = text.partition("\r\n📖 Transcript\r\n")
    assert "Summary" in notes and transcript.split("\r\n")[2] == "00:00:00"


def test_files_get_returns_default_fields_unless_asked(
    emulator: Emulator, workspace: Workspace
) -> None:
    doc = _docs(workspace)[0]
    files = drive_service(emulator.url, emulator.issue_token()).files()
    assert files.get(fileId=doc["id"]).execute() == {
        "kind": "drive#file",
        "id": doc["id"],
        "name": doc["name"],
        "mimeType": DOC_MIME_TYPE,
    }
    got = files.get(fileId=doc["id"], fields="id,name,owners(emailAddress),createdTime").execute()
    assert set(got) == {"id", "name", "owners", "createdTime"}
    assert "_text" not in files.get(fileId=doc["id"], fields="*").execute()


def _error(call) -> tuple[int, dict]:
    with pytest.raises(HttpError) as caught:
        call.execute()
    import json

    return caught.value.resp.status, json.loads(caught.value.content)["error"]


def test_unshared_docs_are_403_and_deleted_docs_404(
    emulator: Emulator, workspace: Workspace
) -> None:
    files = drive_service(emulator.url, emulator.issue_token()).files()
    hidden, gone = _docs(workspace, NOT_SHARED)[0]["id"], _docs(workspace, DELETED)[0]["id"]
    status, error = _error(files.export(fileId=hidden, mimeType="text/plain"))
    assert status == 403 and error["errors"][0]["reason"] == "insufficientFilePermissions"
    assert hidden in error["message"]
    status, error = _error(files.export(fileId=gone, mimeType="text/plain"))
    assert (status, error["message"]) == (404, f"File not found: {gone}.")
    assert error["errors"][0] == {
        "message": f"File not found: {gone}.",
        "domain": "global",
        "reason": "notFound",
        "location": "fileId",
        "locationType": "parameter",
    }
    assert _error(files.get(fileId=gone))[0] == 404
    assert _error(files.get(fileId="no-such-file"))[0] == 404


def test_meet_scope_sees_only_files_meet_wrote(emulator: Emulator, workspace: Workspace) -> None:
    agenda = next(
        f for f in workspace.drive_files.values() if f["name"].endswith(" - Agenda")
    )  # a Google Doc attached to an event, written by a person
    meet_only = drive_service(emulator.url, emulator.issue_token([DRIVE_MEET_SCOPE])).files()
    assert _error(meet_only.export(fileId=agenda["id"], mimeType="text/plain"))[0] == 404
    broad = drive_service(emulator.url, emulator.issue_token([DRIVE_READONLY])).files()
    assert broad.export(fileId=agenda["id"], mimeType="text/plain").execute()
    calendar_only = drive_service(emulator.url, emulator.issue_token([CALENDAR_SCOPE])).files()
    status, error = _error(calendar_only.get(fileId=agenda["id"]))
    assert status == 403 and error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_export_refuses_what_it_cannot_convert(emulator: Emulator, workspace: Workspace) -> None:
    files = drive_service(emulator.url, emulator.issue_token()).files()
    video = next(f for f in workspace.drive_files.values() if f["mimeType"] == VIDEO_MIME_TYPE)
    status, error = _error(files.export(fileId=video["id"], mimeType="text/plain"))
    assert (status, error["errors"][0]["reason"]) == (403, "fileNotExportable")
    doc = _docs(workspace)[0]
    status, error = _error(files.export(fileId=doc["id"], mimeType="image/gif"))
    assert (status, error["message"]) == (400, "The requested conversion is not supported.")
    token = emulator.issue_token()
    status, _, body = api_get(emulator.url, f"/drive/v3/files/{doc['id']}/export", token)
    assert status == 400 and body["error"]["errors"][0]["reason"] == "required"
