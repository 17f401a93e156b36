"""A backfill past Meet's 30 days reads history from the Docs as Meet names and writes them:
EN DASH names, kind words in the organizer's language, the older (2024) layout, and Gemini
notes never taken beside a transcript Doc. Real Dagster runs, real HTTP to the emulator, a real
DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from emulator.data.account import Workspace
from emulator.data.builders import Person
from emulator.data.meet_docs import (
    GEMINI_WORDS,
    LANGUAGES,
    SHARED,
    TRANSCRIPT_WORDS,
    attachment,
    build_doc_file,
    export_text,
)
from tests.helpers import YESTERDAY, doc_text, generated_docs, materialize_range

DASH = " \u2013 "  # Meet's separator in a Doc's name
DAYS = 45
# Past Meet's 30 days, with a day of margin: the emulator's and the run's "now" differ.
FORGOTTEN = timedelta(days=31)


def _declined(ws: Workspace, event: dict) -> bool:
    """The account declined it: meetsync marks it, and reads nothing of it."""
    return any(
        a.get("email") == ws.account_email and a.get("responseStatus") == "declined"
        for a in event.get("attendees", [])
    )


def _old_readable(ws: Workspace) -> list[dict]:
    """Events Meet no longer keeps, with exactly one Doc, readable, in today's layout."""
    cutoff = datetime.now(UTC) - FORGOTTEN
    return [
        e
        for e in ws.events
        if not _declined(ws, e)
        and "dateTime" in e.get("end", {})
        and datetime.fromisoformat(e["end"]["dateTime"]) < cutoff
        and [(d["_access"], d["_layout"]) for d in generated_docs(ws, e["id"])]
        == [(SHARED, "current")]
    ]


def _rename(ws: Workspace, event: dict, name: str) -> None:
    (doc,) = generated_docs(ws, event["id"])
    doc["name"] = name
    for attached in event["attachments"]:
        if attached["fileId"] == doc["id"]:
            attached["title"] = name


def _name_forms(ws: Workspace, events: list[dict]) -> dict[str, str]:
    """Each event's Doc renamed to one of Meet's forms: the kind word of each language with EN
    DASHES, today's ASCII hyphens, the older ``(YYYY-MM-DD HH:MM zone) - Transcript``."""
    forms: dict[str, str] = {}
    for event, form in zip(events, [*LANGUAGES, "ascii", "older"], strict=False):
        (doc,) = generated_docs(ws, event["id"])
        title, stamp = doc["name"].rsplit(DASH, 2)[:2]
        if form == "ascii":
            name = f"{title} - {stamp} - Transcript"
        elif form == "older":
            day, clock, zone = stamp.split(" ")
            name = f"{title} ({day.replace('/', '-')} {clock} {zone}) - Transcript"
        else:
            name = f"{title}{DASH}{stamp}{DASH}{TRANSCRIPT_WORDS[form]}"
        _rename(ws, event, name)
        forms[event["id"]] = form
    return forms


def _gemini_beside(ws: Workspace, event: dict, language: str) -> str:
    """Attach Gemini notes in ``language`` next to the event's transcript Doc (first, as an
    attachment), with speech of their own: the id of the notes Doc."""
    (doc,) = generated_docs(ws, event["id"])
    title, stamp = doc["name"].rsplit(DASH, 2)[:2]
    _rename(ws, event, f"{title}{DASH}{stamp}{DASH}{TRANSCRIPT_WORDS[language]}")
    name = f"{title}{DASH}{stamp}{DASH}{GEMINI_WORDS[language]}"
    notes_id = doc["id"] + "gemini"
    owner = doc["owners"][0]
    notes = build_doc_file(
        notes_id,
        name,
        Person(owner["emailAddress"], owner["displayName"]),
        ws.account_email,
        datetime.fromisoformat(doc["createdTime"].replace("Z", "+00:00")),
        None,
    )
    text = export_text(["📝 Notes", "📖 Transcript", "00:00:00", "", "Gemini: not the transcript"])
    notes.update({"_text": text, "_access": SHARED, "_meet_written": True})
    ws.drive_files[notes_id] = notes
    event["attachments"].insert(0, attachment(notes_id, name))
    return notes_id


def test_a_backfill_past_30_days_reads_every_name_form_and_layout(connected_factory) -> None:
    env, ws = connected_factory(days=DAYS, meetings_per_day=3, long_transcript_entries=60)
    candidates = _old_readable(ws)
    forms = _name_forms(ws, candidates[2:])
    assert len(forms) == len(LANGUAGES) + 2, "too few old meetings with a readable Doc"
    gemini = {
        event["id"]: _gemini_beside(ws, event, language)
        for event, language in zip(candidates[:2], ("de", "ja"), strict=True)
    }

    assert materialize_range(YESTERDAY - timedelta(days=DAYS - 1), YESTERDAY).success
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        stored = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT event_id, transcript_status, transcript_source, transcript, "
                "transcript_doc_ids FROM transcripts WHERE partition_date < ?",
                [(datetime.now(UTC) - FORGOTTEN).date()],
            ).fetchall()
        }
    seen: set[str] = set()
    for event_id, (status, source, text, doc_ids) in stored.items():
        docs = generated_docs(ws, event_id)
        if _declined(ws, ws.event(event_id)) or not any(d["_access"] == SHARED for d in docs):
            continue
        assert (status, source) == ("available", "drive_doc"), event_id
        assert doc_ids == [d["id"] for d in docs]  # never the Gemini notes beside them
        assert text == doc_text(ws, event_id)  # the first block of the 2024 layout included
        for doc in docs:
            seen.add(doc["_layout"])
            seen.add(forms.get(event_id) or ("en-dash" if DASH in doc["name"] else "?"))
            seen.add(f"organizer:{doc['_language']}")
    assert set(gemini) <= set(stored) and set(forms) <= set(stored)
    assert {"2024", "current", "en-dash", "ascii", "older", *LANGUAGES} <= seen, seen
    assert len({s for s in seen if s.startswith("organizer:")}) >= 2, seen  # generated ones
    for event_id, notes_id in gemini.items():
        assert notes_id not in stored[event_id][3]
        assert "not the transcript" not in stored[event_id][2]
