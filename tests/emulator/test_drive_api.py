"""Drive v3 over HTTP with google-api-python-client: the Docs Meet writes for transcripts,
attached to their events and named by docsDestination, named as Meet names them (EN DASHES, the
kind word in the organizer's language), in today's layout or the older (2024) one; unshared
(403) and deleted (404) Docs."""

from __future__ import annotations

import re

import pytest
from googleapiclient.errors import HttpError

from emulator import Emulator, Workspace, generate_workspace
from emulator.data.meet_docs import (
    DELETED,
    DOC_MIME_TYPE,
    FOOTER,
    GEMINI_WORDS,
    NOT_SHARED,
    TRANSCRIPT_WORDS,
    VIDEO_MIME_TYPE,
)
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
DASH = "\u2013"  # EN DASH: Meet's separator in a Doc's name


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


def _docs(
    workspace: Workspace,
    access: str = "shared",
    kind: str = f" {DASH} Transcript",
    layout: str = "current",
) -> list[dict]:
    return [
        f
        for f in workspace.drive_files.values()
        if f.get("_access") == access
        and f.get("mimeType") == DOC_MIME_TYPE
        and f.get("_meet_written")
        and f.get("_layout") == layout
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
                file = workspace.drive_files[document]
                name, language = file["name"], file["_language"]
                assert name.startswith(f"{event['summary']} {DASH} ")
                assert re.search(
                    rf" {DASH} \d{{4}}/\d{{2}}/\d{{2}} \d{{2}}:\d{{2}} UTC {DASH} ", name
                )
                kinds = (TRANSCRIPT_WORDS[language], GEMINI_WORDS[language])
                assert name.endswith(tuple(f" {DASH} {word}" for word in kinds))
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
    assert lines[1] == doc["name"].split(f" {DASH} ")[0] + " - Transcript"
    assert lines[2] == "00:00:00" and lines[3] == ""
    assert lines[-2] == FOOTER and lines[-1] == ""
    assert re.fullmatch(r"Transcription ended after \d{2}:\d{2}:\d{2}", lines[-4])
    body = [line for line in lines[2:-4] if line and not TIMESTAMP.match(line)]
    assert body and all(": " in line for line in body)
    assert emulator.request_counts["drive.files.export"] == 1


def test_gemini_notes_put_the_transcript_under_its_heading(
    emulator: Emulator, workspace: Workspace
) -> None:
    doc = _docs(workspace, kind=f" {DASH} Notes by Gemini")[0]
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


def test_unshared_and_deleted_docs_are_both_404(emulator: Emulator, workspace: Workspace) -> None:
    files = drive_service(emulator.url, emulator.issue_token()).files()
    hidden, gone = _docs(workspace, NOT_SHARED)[0]["id"], _docs(workspace, DELETED)[0]["id"]
    status, error = _error(files.export(fileId=hidden, mimeType="text/plain"))
    assert status == 404 and error["errors"][0]["reason"] == "notFound"  # no read access
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


def test_older_docs_in_the_2024_layout(emulator: Emulator, workspace: Workspace) -> None:
    older = _docs(workspace, layout="2024", kind="")
    assert older
    drive = drive_service(emulator.url, emulator.issue_token())
    doc = older[0]
    raw = drive.files().export(fileId=doc["id"], mimeType="text/plain").execute()
    lines = raw.decode("utf-8-sig").split("\r\n")
    title, _, rest = doc["name"].partition(f" {DASH} ")
    word = rest.rpartition(f" {DASH} ")[2]
    assert lines[:2] == [f"{title} - {word}", "Attendees"] and lines[3] == FOOTER
    assert ": " in lines[4] and not TIMESTAMP.match(lines[4])  # the untimed first block
    stamps = [line for line in lines if TIMESTAMP.match(line)]
    assert stamps[:1] in ([], ["00:05:00"])
    assert all(int(s[3:5]) % 5 == 0 and s.endswith(":00") for s in stamps)
    assert re.fullmatch(r"Meeting ended after \d{2}:\d{2}:\d{2} 👋", lines[-2]) and lines[-1] == ""
    assert "Transcription ended after" not in raw.decode("utf-8-sig")


def test_older_layout_only_for_meetings_meet_no_longer_keeps(workspace: Workspace) -> None:
    expired = set(workspace.scenarios["expired"])
    by_doc = {
        t["docsDestination"]["document"]: event_id
        for event_id, records in workspace.event_records.items()
        for record in records
        for t in workspace.transcripts.get(record, [])
        if "docsDestination" in t
    }
    older = [f["id"] for f in workspace.drive_files.values() if f.get("_layout") == "2024"]
    assert len(older) >= 3 and {by_doc[d] for d in older} <= expired


def test_names_in_each_organizers_language(workspace: Workspace) -> None:
    """Every organizer's Docs in one language; some organizers' not English, the account's
    always English; the same seed gives the same languages."""
    by_organizer: dict[str, set[str]] = {}
    for f in workspace.drive_files.values():
        if f.get("_meet_written") and "_language" in f:
            by_organizer.setdefault(f["owners"][0]["emailAddress"], set()).add(f["_language"])
    assert all(len(languages) == 1 for languages in by_organizer.values())
    assert by_organizer[workspace.account_email] == {"en"}
    spoken = set().union(*by_organizer.values())
    assert {"en", "de"} < spoken and len(spoken) >= 5, spoken
    again = generate_workspace(
        seed=5, end_date=FIXED_END_DATE, days=40, meetings_per_day=5, now=FIXED_NOW,
        long_transcript_entries=300,
    )  # fmt: skip
    assert {k: f["name"] for k, f in again.drive_files.items()} == {
        k: f["name"] for k, f in workspace.drive_files.items()
    }


def test_a_zone_without_an_abbreviation_is_written_as_gmt_offset() -> None:
    ws = generate_workspace(
        seed=3, end_date=FIXED_END_DATE, days=3, meetings_per_day=3, now=FIXED_NOW,
        timezone="Asia/Singapore",
    )  # fmt: skip
    names = [f["name"] for f in ws.drive_files.values() if f.get("_meet_written") and f["name"]]
    stamped = [n for n in names if f" {DASH} " in n and n != "Meet Recordings"]
    assert stamped and all(
        re.search(rf" {DASH} \d{{4}}/\d{{2}}/\d{{2}} \d{{2}}:\d{{2}} GMT\+08:00 {DASH} ", n)
        for n in stamped
    )
