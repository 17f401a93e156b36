"""Asking Drive for the transcript Docs of the meetings Meet no longer keeps, on the
client's worker threads.

Only meetings Meet no longer keeps are asked about, and only when the connection
was granted Drive's ``drive.meet.readonly``: one ``files.export`` per transcript Doc (one per
meeting, unless transcription was restarted), a ``files.get`` only for an attachment whose
title or type the event leaves out. What Drive's answers mean is decided here: 403 is a Doc
not shared with the account, 404 a deleted one, anything else that keeps failing ``failed``.
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
from google_client import GoogleClient, MissingScopeError, ReconnectRequiredError, is_retryable

MAX_UNNAMED_LOOKUPS = 3  # files.get calls for attachments the event does not describe


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
        except ReconnectRequiredError:
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
    except ReconnectRequiredError:
        raise
    except HttpError as error:
        status = error.resp.status
        if status == 403 and not is_retryable(error):
            detail = f"Drive 403: the transcript Doc {doc_id} is not shared with this account"
            return FetchedDoc(doc_id, problem="not_shared", detail=detail)
        if status == 404:
            detail = (
                f"Drive 404: the transcript Doc {doc_id} was deleted "
                "(or is not visible to this account)"
            )
            return FetchedDoc(doc_id, problem="deleted", detail=detail)
        return FetchedDoc(doc_id, problem="failed", detail=f"Drive HTTP {status}: {error}")
    except Exception as error:
        return FetchedDoc(doc_id, problem="failed", detail=f"{type(error).__name__}: {error}")
