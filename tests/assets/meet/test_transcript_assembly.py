from datetime import UTC, datetime, timedelta

from assets.meet.conference_lookup import RecordTranscripts
from assets.meet.transcript_assembly import UNKNOWN_SPEAKER, assemble, speaker_name

NOW = datetime(2026, 11, 25, tzinfo=UTC)
END = datetime(2026, 11, 24, 11, tzinfo=UTC)
RECORD = {
    "name": "conferenceRecords/r1",
    "startTime": "2026-11-24T10:00:00Z",
    "endTime": "2026-11-24T11:00:00Z",
}


def entry(n: int, participant: str | None, text: str | None, second: int) -> dict:
    data = {
        "name": f"conferenceRecords/r1/transcripts/t1/entries/e{n}",
        "startTime": f"2026-11-24T10:00:{second:02d}Z",
        "endTime": f"2026-11-24T10:00:{second + 1:02d}Z",
    }
    if participant:
        data["participant"] = participant
    if text is not None:
        data["text"] = text
    return data


def fetched(state: str = "FILE_GENERATED", entries=None, participants=None) -> RecordTranscripts:
    transcript = {"name": "conferenceRecords/r1/transcripts/t1", "state": state}
    result = RecordTranscripts("conferenceRecords/r1", transcripts=[transcript])
    if state in ("FILE_GENERATED", "ENDED"):
        result.participants = participants or []
        result.entries = {transcript["name"]: entries or []}
    return result


PARTICIPANTS = [
    {
        "name": "conferenceRecords/r1/participants/p1",
        "signedinUser": {"displayName": "Zoë Ångström"},
    },
    {"name": "conferenceRecords/r1/participants/p2", "anonymousUser": {"displayName": "Guest"}},
    {"name": "conferenceRecords/r1/participants/p3", "phoneUser": {"displayName": "+1 555 ***"}},
    {"name": "conferenceRecords/r1/participants/p4", "signedinUser": {"user": "users/4"}},
]


def test_speakers_of_every_kind_and_unknown():
    assert speaker_name(PARTICIPANTS[0]) == "Zoë Ångström"
    assert speaker_name(PARTICIPANTS[1]) == "Guest"
    assert speaker_name(PARTICIPANTS[2]) == "+1 555 ***"
    assert speaker_name(PARTICIPANTS[3]) == UNKNOWN_SPEAKER
    assert speaker_name(None) == UNKNOWN_SPEAKER


def test_available_transcript_is_assembled_in_time_order_without_duplicates():
    entries = [
        entry(2, "conferenceRecords/r1/participants/p2", "Second  line", 5),
        entry(1, "conferenceRecords/r1/participants/p1", "会議を始めましょう 🎉", 1),
        entry(2, "conferenceRecords/r1/participants/p2", "Second  line", 5),
        entry(3, "conferenceRecords/r1/participants/nobody", "Who am I", 9),
        entry(4, None, None, 12),
    ]
    result = assemble(END, [RECORD], [fetched(entries=entries, participants=PARTICIPANTS)], NOW)
    assert result.status == "available"
    assert result.text.splitlines() == [
        "Zoë Ångström: 会議を始めましょう 🎉",
        "Guest: Second line",
        "Unknown speaker: Who am I",
        "Unknown speaker: ",
    ]


def test_started_transcript_is_pending_and_empty():
    result = assemble(END, [RECORD], [fetched(state="STARTED")], NOW)
    assert (result.status, result.text) == ("pending", "")


def test_record_without_transcript():
    result = assemble(END, [RECORD], [RecordTranscripts("conferenceRecords/r1")], NOW)
    assert result.status == "no_transcript"


def test_no_record_recent_vs_expired():
    assert assemble(END, [], [], NOW).status == "no_conference"
    assert assemble(NOW - timedelta(days=31), [], [], NOW).status == "expired"


def test_unsupported_and_failed_are_recorded_not_raised():
    refused = RecordTranscripts("conferenceRecords/r1", error="no", unsupported=True)
    assert assemble(END, [RECORD], [refused], NOW).status == "unsupported"
    assert assemble(END, [], [], NOW, lookup_error="HttpError 500").status == "failed"
    broken = RecordTranscripts("conferenceRecords/r1", error="HttpError 503")
    assert assemble(END, [RECORD], [broken], NOW).status == "failed"
