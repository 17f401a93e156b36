"""Every response the emulator gives validates against the bundled discovery documents.

Discovery schemas are converted to JSON Schema with ``additionalProperties: false`` for every
object that declares properties, so a field Google does not define fails validation.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient
import jsonschema
import pytest

from emulator import Emulator, Workspace, generate_workspace
from emulator.wire.timefmt import parse_rfc3339
from tests.helpers import FIXED_END_DATE, FIXED_NOW, calendar_service, drive_service, meet_service

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


def _convert(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"$ref": f"#/definitions/{schema['$ref']}"}
    out: dict[str, Any] = {}
    if schema.get("type") not in (None, "any"):
        out["type"] = schema["type"]
    if "format" in schema:
        out["format"] = schema["format"]
    if "enum" in schema:
        out["enum"] = schema["enum"]
    if "properties" in schema:
        out["properties"] = {k: _convert(v) for k, v in schema["properties"].items()}
        out["additionalProperties"] = False
    if "additionalProperties" in schema:
        out["additionalProperties"] = _convert(schema["additionalProperties"])
    if "items" in schema:
        out["items"] = _convert(schema["items"])
    return out


@cache
def _discovery(api: str) -> dict[str, Any]:
    return json.loads((DOCUMENTS / f"{api}.json").read_text())


def _method_response(api: str, method_id: str) -> str:
    def walk(resources: dict[str, Any]) -> str | None:
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                if method["id"] == method_id:
                    return method["response"]["$ref"]
            found = walk(resource.get("resources", {}))
            if found:
                return found
        return None

    ref = walk(_discovery(api)["resources"])
    assert ref, method_id
    return ref


_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("google-datetime", raises=ValueError)
@_FORMATS.checks("date-time", raises=ValueError)
def _is_timestamp(value: object) -> bool:
    return not isinstance(value, str) or bool(parse_rfc3339(value))


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    from datetime import date

    return not isinstance(value, str) or bool(date.fromisoformat(value))


@cache
def _validator(api: str, method_id: str) -> jsonschema.Draft7Validator:
    doc = _discovery(api)
    definitions = {name: _convert(s) for name, s in doc["schemas"].items()}
    ref = _method_response(api, method_id)
    schema = {"definitions": definitions, "$ref": f"#/definitions/{ref}"}
    return jsonschema.Draft7Validator(schema, format_checker=_FORMATS)


def _check(api: str, method_id: str, response: dict[str, Any]) -> None:
    errors = list(_validator(api, method_id).iter_errors(response))
    assert not errors, f"{method_id}: {[e.message for e in errors[:5]]}"


def test_converter_rejects_unknown_fields() -> None:
    with pytest.raises(AssertionError, match="Additional properties"):
        _check("meet.v2", "meet.conferenceRecords.get", {"name": "x", "_meeting_code": "a"})
    with pytest.raises(AssertionError):
        _check("calendar.v3", "calendar.events.list", {"items": [{"start": {"dateTime": 5}}]})


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return generate_workspace(
        seed=3,
        end_date=FIXED_END_DATE,
        days=36,
        meetings_per_day=5,
        timezone="Europe/Berlin",
        now=FIXED_NOW,
        long_transcript_entries=250,
    )


def test_every_calendar_response_matches_discovery(workspace: Workspace) -> None:
    with Emulator(workspace) as emulator:
        service = calendar_service(emulator.url, emulator.issue_token())
        _check(
            "calendar.v3",
            "calendar.calendars.get",
            service.calendars().get(calendarId="primary").execute(),
        )
        seen = 0
        for kwargs in (
            {"singleEvents": True, "showDeleted": True, "orderBy": "startTime"},
            {"singleEvents": False},
            {"singleEvents": True, "timeZone": "Asia/Tokyo", "maxResults": 50},
        ):
            token = None
            while True:
                page = (
                    service.events().list(calendarId="primary", pageToken=token, **kwargs).execute()
                )
                _check("calendar.v3", "calendar.events.list", page)
                seen += len(page["items"])
                token = page.get("nextPageToken")
                if not token:
                    break
        assert seen > len(workspace.events)
        event = (
            service.events().get(calendarId="primary", eventId=workspace.events[0]["id"]).execute()
        )
        _check("calendar.v3", "calendar.events.get", event)


def _pages(method, key: str, **kwargs):
    token = None
    while True:
        page = method(pageToken=token, **kwargs).execute()
        yield page
        token = page.get("nextPageToken")
        if not token:
            return


def test_every_meet_response_matches_discovery(workspace: Workspace) -> None:
    meet = "meet.v2"
    counts = {"records": 0, "transcripts": 0, "entries": 0, "participants": 0}
    with Emulator(workspace) as emulator:
        service = meet_service(emulator.url, emulator.issue_token())
        records = service.conferenceRecords()
        for page in _pages(records.list, "conferenceRecords", pageSize=100):
            _check(meet, "meet.conferenceRecords.list", page)
            for record in page.get("conferenceRecords", []):
                counts["records"] += 1
                _check(
                    meet, "meet.conferenceRecords.get", records.get(name=record["name"]).execute()
                )
                _check(
                    meet, "meet.spaces.get", service.spaces().get(name=record["space"]).execute()
                )
                _check_children(records, record["name"], counts)
        assert all(counts.values()), counts


def _check_children(records, record: str, counts: dict[str, int]) -> None:
    meet = "meet.v2"
    for page in _pages(records.participants().list, "participants", parent=record):
        _check(meet, "meet.conferenceRecords.participants.list", page)
        for participant in page.get("participants", []):
            counts["participants"] += 1
            got = records.participants().get(name=participant["name"]).execute()
            _check(meet, "meet.conferenceRecords.participants.get", got)
    for page in _pages(records.transcripts().list, "transcripts", parent=record):
        _check(meet, "meet.conferenceRecords.transcripts.list", page)
        for transcript in page.get("transcripts", []):
            counts["transcripts"] += 1
            got = records.transcripts().get(name=transcript["name"]).execute()
            _check(meet, "meet.conferenceRecords.transcripts.get", got)
            entries = records.transcripts().entries()
            for entry_page in _pages(
                entries.list, "transcriptEntries", parent=transcript["name"], pageSize=100
            ):
                _check(meet, "meet.conferenceRecords.transcripts.entries.list", entry_page)
                counts["entries"] += len(entry_page.get("transcriptEntries", []))
            first = entry_page.get("transcriptEntries", [])
            if first:
                got = entries.get(name=first[0]["name"]).execute()
                _check(meet, "meet.conferenceRecords.transcripts.entries.get", got)


def test_every_drive_file_matches_discovery(workspace: Workspace) -> None:
    drive = "drive.v3"
    with Emulator(workspace) as emulator:
        scope = "https://www.googleapis.com/auth/drive.readonly"  # sees agendas too
        files = drive_service(emulator.url, emulator.issue_token([scope])).files()
        readable = [
            f for f in workspace.drive_files.values() if f.get("_access", "shared") == "shared"
        ]
        for file in readable:
            _check(drive, "drive.files.get", files.get(fileId=file["id"], fields="*").execute())
            _check(drive, "drive.files.get", files.get(fileId=file["id"]).execute())
        assert len(readable) > 50
        doc = next(f for f in readable if f["mimeType"].endswith(".document") and f["_text"])
        export = files.export(fileId=doc["id"], mimeType="text/plain")
        response, content = export.http.request(export.uri, headers=export.headers)
        assert response.status == 200 and response["content-type"].startswith("text/plain")
        assert content.decode("utf-8-sig") == doc["_text"].removeprefix("\ufeff")
