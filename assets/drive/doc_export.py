"""Asking Drive for the transcript Docs of the meetings Meet no longer keeps, on the
client's worker threads.

Only meetings Meet no longer keeps are asked about, and only when the connection
was granted Drive's ``drive.meet.readonly``: one ``files.export`` per transcript Doc (one per
meeting, unless transcription was restarted), a ``files.get`` only for an attachment whose
title or type the event leaves out. What Drive's answers mean is decided here, by the reasons
of Drive's "Resolve errors" guide: each lasting refusal (404 ``notFound``: no read access or no
such file, Google does not say which; 403 ``exportSizeLimitExceeded``, ``domainPolicy``,
``fileNotExportable``, ``insufficientFilePermissions`` and any other lasting 403) leaves the Doc
unread with a detail that says what Google said; the transient ones (rate limits, 5xx,
connection faults) were retried by the client, and when they keep failing the Doc is ``failed``.
Every such detail starts with :data:`DRIVE_DETAIL_PREFIX`, so the re-check schedule can find
the meetings whose Docs Drive refused. A disabled Drive API (or a refused connection) is a setup
error and stops the run.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd
from googleapiclient.errors import HttpError

from assets.drive.doc_assembly import assemble_from_docs
from assets.drive.doc_matching import (
    DOC_MIME_TYPE,
    GEMINI_KIND,
    NO_DRIVE_PERMISSION,
    TRANSCRIPT_KIND,
    DocMeeting,
    FetchedDoc,
    MeetingDocs,
    doc_ids_of,
    meet_doc_kind,
    unnamed_attachment_ids,
)
from assets.warehouse.transcript_results import EXPIRED, MeetingTranscript
from google_client import (
    GoogleClient,
    MissingScopeError,
    SetupError,
    error_message,
    error_reasons,
    is_retryable,
)

MAX_UNNAMED_LOOKUPS = 3  # files.get calls for attachments the event does not describe
DRIVE_DETAIL_PREFIX = "Drive "  # how every detail of a Doc Drive did not give starts
# What each lasting Drive refusal of a transcript Doc means, by Google's reason
# (``{doc}``: the Doc's id); the guide's words, and what the user can do.
DRIVE_REASONS = {
    "notFound": (
        "the account has no read access to transcript Doc {doc}, or it does not exist "
        "(Google does not say which); ask the meeting's organizer to share it"
    ),
    "exportSizeLimitExceeded": (
        "transcript Doc {doc} is larger than Drive exports (10 MB), so its text cannot be read"
    ),
    "domainPolicy": (
        "the organisation's policy does not let this app use Drive; "
        "ask the Workspace admin to allow it"
    ),
    "fileNotExportable": "file {doc} is not a Google Doc, so Drive cannot export it as text",
    "insufficientFilePermissions": (
        "the account may not read transcript Doc {doc}; ask the meeting's organizer to share it"
    ),
}


def doc_meetings(
    frame: pd.DataFrame, event_ids: list[str], stored: dict[str, list[str]]
) -> list[DocMeeting]:
    """The meetings ``event_ids`` of a slice, with what identifies their Docs."""
    wanted = set(event_ids)
    found = []
    for row in frame.itertuples():
        if row.event_id not in wanted:
            continue
        attachments = getattr(row, "attachments", None)
        title = getattr(row, "title", None)
        found.append(
            DocMeeting(
                event_id=row.event_id,
                title=title if isinstance(title, str) else None,
                conference_id=row.conference_id if isinstance(row.conference_id, str) else None,
                start=row.start_time,
                attachments=tuple(
                    a for a in (attachments if _is_list(attachments) else []) if isinstance(a, dict)
                ),
                stored_doc_ids=tuple(stored.get(row.event_id, ())),
            )
        )
    return found


def _is_list(value: object) -> bool:
    return value is not None and not isinstance(value, str | dict) and hasattr(value, "__iter__")


@dataclass
class DocResults:
    """Each meeting's transcript from its Docs, and the Drive requests it cost (by event_id)."""

    transcripts: dict[str, MeetingTranscript] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)


class DocFetches:
    """Exports and assembly of the Docs of meetings Meet no longer keeps, on the resource's
    worker threads, for the meetings ``submit``ted so far, in that order.

    Each meeting's result is taken once (``take``), so a long backfill holds only the
    results not written yet. Without the Drive permission no request is made and every
    meeting is ``expired`` with the reason. Use it as a context manager: leaving it cancels
    the exports not started yet.
    """

    def __init__(self, google: GoogleClient) -> None:
        self._google = google
        self._permitted = google.drive_permitted
        self._ready: dict[str, tuple[MeetingTranscript, int]] = {}
        self._futures: dict[str, Future[tuple[MeetingTranscript, int]]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> DocFetches:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, meetings: list[DocMeeting]) -> None:
        """Start on these meetings' Docs, after those submitted before."""
        if not self._permitted:
            for m in meetings:
                expired = MeetingTranscript(
                    EXPIRED, detail=NO_DRIVE_PERMISSION, doc_ids=doc_ids_of(m)
                )
                self._ready[m.event_id] = (expired, 0)
            return
        if meetings and self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self._google.workers, thread_name_prefix="drive"
            )
        for m in meetings:
            self._futures[m.event_id] = self._pool.submit(doc_transcript, self._google, m)

    def pending(self, event_ids: list[str]) -> list[Future]:
        """The exports of these meetings still to be taken."""
        return [self._futures[e] for e in event_ids if e in self._futures]

    def take(self, event_ids: list[str]) -> DocResults:
        """These meetings' transcripts from their Docs (waiting for them), handed over once."""
        results = DocResults()
        for event_id in event_ids:
            future = self._futures.pop(event_id, None)
            found = future.result() if future else self._ready.pop(event_id, None)
            if found is not None:
                results.transcripts[event_id], results.requests[event_id] = found
        return results


def doc_transcript(google: GoogleClient, meeting: DocMeeting) -> tuple[MeetingTranscript, int]:
    """A meeting's transcript from its Docs, and the Drive requests it took."""
    docs = meeting_docs(google, meeting)
    return assemble_from_docs(docs), docs.requests


def meeting_docs(google: GoogleClient, meeting: DocMeeting) -> MeetingDocs:
    """The meeting's Docs, each exported once."""
    before = google.requests_by_this_thread()
    doc_ids = doc_ids_of(meeting) or _named_by_drive(google, meeting)
    docs = MeetingDocs(meeting.event_id, doc_ids)
    docs.fetched = [export(google, doc_id) for doc_id in doc_ids]
    docs.requests = google.requests_by_this_thread() - before
    return docs


def _named_by_drive(google: GoogleClient, meeting: DocMeeting) -> list[str]:
    """Attachments the event does not describe, judged by the name and type Drive gives."""
    by_kind: dict[str, list[str]] = {TRANSCRIPT_KIND: [], GEMINI_KIND: []}
    for file_id in unnamed_attachment_ids(meeting)[:MAX_UNNAMED_LOOKUPS]:
        try:
            file = google.get_file(file_id)
        except MissingScopeError:
            continue
        except SetupError:  # a disabled Drive API, a refused connection: stops the run
            raise
        except Exception:  # unreadable metadata: not a Doc this meeting can claim
            continue
        kind = meet_doc_kind(file.get("name"), meeting) if isinstance(file, dict) else None
        if kind and file.get("mimeType") == DOC_MIME_TYPE:
            by_kind[kind].append(file_id)
    return by_kind[TRANSCRIPT_KIND] or by_kind[GEMINI_KIND]


def export(google: GoogleClient, doc_id: str) -> FetchedDoc:
    """One Doc's text, or what kept Drive from giving it."""
    try:
        return FetchedDoc(doc_id, text=google.export_doc_text(doc_id))
    except MissingScopeError:
        return FetchedDoc(doc_id, problem="not_permitted", detail=NO_DRIVE_PERMISSION)
    except SetupError:  # a disabled Drive API, a refused connection: stops the run
        raise
    except HttpError as error:
        return refused(doc_id, error)
    except Exception as error:  # a connection fault that outlasted the retries
        detail = f"{DRIVE_DETAIL_PREFIX}did not answer for Doc {doc_id}: {type(error).__name__}"
        return FetchedDoc(doc_id, problem="failed", detail=f"{detail}: {_one_line(error)}")


def refused(doc_id: str, error: HttpError) -> FetchedDoc:
    """What Drive's error for one Doc means: its reason (``problem``) and a one-line detail
    naming Google's status, reason and message. Transient errors (retried already) are
    ``failed``; every other one is lasting."""
    status = error.resp.status
    reasons = error_reasons(error)
    reason = next((r for r in DRIVE_REASONS if r in reasons), None)
    if reason is None and status == 404:
        reason = "notFound"  # a 404 means the same whatever its body
    said = error_message(error)
    quoted = f' (Google: "{said}")' if said else ""
    if reason is not None:
        meaning = DRIVE_REASONS[reason].format(doc=doc_id)
        detail = f"{DRIVE_DETAIL_PREFIX}{status} {reason}: {meaning}{quoted}"
        return FetchedDoc(doc_id, problem=reason, detail=detail)
    named = " ".join(sorted(r for r in reasons if r != "PERMISSION_DENIED")) or f"HTTP {status}"
    if is_retryable(error):
        detail = f"{DRIVE_DETAIL_PREFIX}{status} {named} for Doc {doc_id} after every retry{quoted}"
        return FetchedDoc(doc_id, problem="failed", detail=detail)
    detail = f"{DRIVE_DETAIL_PREFIX}{status} {named}: Drive refused Doc {doc_id}{quoted}"
    return FetchedDoc(doc_id, problem=named, detail=detail)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
