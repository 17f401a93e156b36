"""Deterministic generation of a realistic workspace with every edge case the importer meets.

:func:`build_workspace` lays out ``days`` days of meetings (see :class:`WorkspaceParams`): regular
meetings with random variety, two recurring series, and one designated meeting per scenario (see
``SCENARIO_APPLIERS``), spread over the most recent fortnight so they stay within Meet's 30-day
retention.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from emulator.data import corpus, ids
from emulator.data.account import Workspace, meet_code_of
from emulator.data.builders import EventSpec, Person, build_event, meet_conference, zoom_conference
from emulator.wire.timefmt import zone
from emulator.data.meet_docs import DOC_SCENARIOS, write_transcript_docs

DURATIONS = (15, 25, 30, 30, 45, 50, 60, 60, 90)
SCENARIO_DAYS = 14
ROOM_SHARE = 0.35  # timed events with a booked room
OPTIONAL_SHARE = 0.1  # invitees (never the organizer) invited as optional


@dataclass(frozen=True, kw_only=True)
class WorkspaceParams:
    """Everything a generated workspace depends on: the same parameters give the same workspace."""

    seed: int = 7
    end_date: date  # the last generated day
    days: int = 14
    meetings_per_day: int = 10  # on weekdays; a fifth of it on weekends
    timezone: str = "UTC"  # the calendar's IANA time zone
    now: datetime  # the account's present: decides which conference records have expired
    long_transcript_entries: int = 2000  # entries of the ``long_transcript`` meeting

    def __post_init__(self) -> None:
        if self.days < 1 or self.meetings_per_day < 0:
            raise ValueError("days must be >= 1 and meetings_per_day >= 0")


@dataclass
class Plan:
    """One calendar event to materialize, and what happened in its meeting."""

    summary: str
    start: datetime | date
    end: datetime | date
    organizer: Person
    attendees: list[tuple[Person, str]]
    conference: str | None = "meet"  # "meet", "zoom" or None
    code: str | None = None
    status: str = "confirmed"
    description: str | None = None
    location: str | None = None
    scenarios: list[str] = field(default_factory=list)
    joined: bool = True
    record_windows: list[tuple[datetime, datetime]] | None = None
    transcript_states: list[str] | None = None  # per record; [] = transcription never on
    entry_count: int | None = None
    extra_participants: list[tuple[str, str]] = field(default_factory=list)
    non_ascii: bool = False
    orphan_entry: bool = False
    event_id: str | None = None
    recurring_event_id: str | None = None
    designated: bool = False


class Generator:
    """Builds the :class:`Workspace` one :class:`WorkspaceParams` describes; one per workspace."""

    def __init__(self, params: WorkspaceParams) -> None:
        self.params = params
        self.rng = random.Random(params.seed)
        # Rooms and optional invitees draw from their own generator, so the rest of the
        # workspace is the same as without them.
        self.invitation_rng = random.Random(params.seed * 104_729 + 3)
        self.tz: tzinfo = zone(params.timezone)
        end, count = params.end_date, params.days
        self.days = [end - timedelta(days=count - 1 - i) for i in range(count)]
        email = f"{corpus.ACCOUNT[0]}@{corpus.INTERNAL_DOMAIN}"
        self.ws = Workspace(
            account_email=email,
            account_name=corpus.ACCOUNT[1],
            calendar_timezone=params.timezone,
            now=params.now,
            scenarios={name: [] for name in SCENARIO_APPLIERS},
            seed=params.seed,
            rng=random.Random(params.seed * 7919 + 1),
        )
        self.me = Person(email, corpus.ACCOUNT[1])
        self.user_ids: dict[str, str] = {}
        self.designated: set[str] = set()
        domain = corpus.INTERNAL_DOMAIN
        self.colleagues = [Person(f"{u}@{domain}", n) for u, n in corpus.COLLEAGUES]
        self.partners = [
            Person(f"{u}@{corpus.PARTNER_DOMAINS[d]}", n) for u, n, d in corpus.PARTNERS
        ]
        self.rooms = [Person(f"{u}@{corpus.ROOM_DOMAIN}", n) for u, n in corpus.ROOMS]

    # ----- top level --------------------------------------------------------------------------
    def run(self) -> Workspace:
        """Generate every day and tag scenarios."""
        placed = self._scenario_plans()
        recurring = self._recurring_plans()
        for day in self.days:
            fixed = placed.get(day, []) + recurring.get(day, [])
            per_day = self.params.meetings_per_day
            target = per_day if day.weekday() < 5 else per_day // 5
            regular = max(target - len(fixed), 0 if fixed else 1)
            plans = fixed + [self._regular(day) for _ in range(regular)]
            for plan in sorted(plans, key=_plan_sort_key):
                self._materialize(plan)
        self._tag_expired()
        docs_rng = random.Random(self.params.seed * 104_729 + 3)  # Docs never shift the rest
        write_transcript_docs(self.ws, docs_rng, self.designated)
        self._designated_first()
        return self.ws

    def _designated_first(self) -> None:
        """Put each scenario's designated (recent, live) event first in its list."""
        for event_ids in self.ws.scenarios.values():
            event_ids.sort(key=lambda event_id: event_id not in self.designated)

    # ----- planning ---------------------------------------------------------------------------
    def _local(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), self.tz)

    def _people(self, partners: bool) -> tuple[Person, list[tuple[Person, str]]]:
        rng = self.rng
        organizer = self.me if rng.random() < 0.4 else rng.choice(self.colleagues)
        others = rng.sample(self.colleagues, rng.randint(2, 5))
        if partners:
            others += rng.sample(self.partners, rng.randint(1, 3))
        people = [organizer] + [p for p in [self.me, *others] if p != organizer]
        people = list(dict.fromkeys(people))[:8]
        statuses = ("accepted",) * 7 + ("tentative", "needsAction", "declined")
        attendees = [(p, "accepted" if p == organizer else rng.choice(statuses)) for p in people]
        return organizer, attendees

    def _regular(self, day: date) -> Plan:
        rng = self.rng
        partners = rng.random() < 0.3
        organizer, attendees = self._people(partners)
        duration = rng.choice(DURATIONS)
        start = self._local(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
        summary = self._title(attendees, partners)
        plan = Plan(summary, start, start + timedelta(minutes=duration), organizer, attendees)
        if rng.random() < 0.35:
            plan.description = rng.choice(corpus.DESCRIPTIONS)
        roll = rng.random()
        for threshold, (name, apply) in zip((0.06, 0.12, 0.18), RANDOM_VARIETY, strict=True):
            if roll < threshold:
                apply(plan, self)
                plan.scenarios.append(name)
                break
        else:
            if roll < 0.24:
                plan.transcript_states = ["ENDED"]
        return plan

    def _title(self, attendees: list[tuple[Person, str]], partners: bool) -> str:
        rng = self.rng
        if partners:
            domain = next(p.email.split("@")[1] for p, _ in attendees if p in self.partners)
            template = rng.choice(corpus.PARTNER_TITLES)
            return template.format(org=corpus.ORG_NAMES[domain])
        return rng.choice(corpus.INTERNAL_TITLES)

    def _scenario_plans(self) -> dict[date, list[Plan]]:
        recent = self.days[-SCENARIO_DAYS:]
        placed: dict[date, list[Plan]] = {}
        designated = [
            (name, apply) for name, apply in SCENARIO_APPLIERS.items() if apply is not None
        ]
        for index, (name, apply) in enumerate(designated):
            day = recent[-1 - (index % len(recent))]
            plan = self._regular_plain(day)
            apply(plan, self)
            plan.scenarios.append(name)
            plan.designated = True
            placed.setdefault(day, []).append(plan)
        return placed

    def _regular_plain(self, day: date) -> Plan:
        organizer, attendees = self._people(self.rng.random() < 0.3)
        start = self._local(day, self.rng.randint(9, 16), self.rng.choice((0, 30)))
        return Plan(
            self._title(attendees, False),
            start,
            start + timedelta(minutes=self.rng.choice((30, 45, 60))),
            organizer,
            attendees,
        )

    def _recurring_plans(self) -> dict[date, list[Plan]]:
        plans: dict[date, list[Plan]] = {}
        series = (
            ("Daily standup", time(9, 30), 15, {0, 1, 2, 3, 4}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            ("Weekly product sync", time(14, 0), 60, {2}, "FREQ=WEEKLY;BYDAY=WE"),
        )
        team = [(p, "accepted") for p in [self.me, *self.colleagues[:5]]]
        for summary, at, minutes, weekdays, rule in series:
            days = [d for d in self.days if d.weekday() in weekdays]
            if not days:
                continue
            master_id, code = ids.event_id(self.rng), ids.meeting_code(self.rng)
            organizer = team[1][0]
            first = datetime.combine(days[0], at, self.tz)
            master = Plan(summary, first, first + timedelta(minutes=minutes), organizer, team)
            master.code, master.event_id = code, master_id
            self.ws.add_series_master(self._event(master, recurrence=[f"RRULE:{rule}"]))
            for day in days:
                start = datetime.combine(day, at, self.tz)
                plan = Plan(summary, start, start + timedelta(minutes=minutes), organizer, team)
                plan.code, plan.scenarios = code, ["recurring"]
                plan.event_id = ids.instance_id(master_id, start)
                plan.recurring_event_id = master_id
                plans.setdefault(day, []).append(plan)
        return plans

    # ----- materializing ----------------------------------------------------------------------
    def _conference(self, plan: Plan) -> dict | None:
        if plan.conference == "meet":
            plan.code = plan.code or ids.meeting_code(self.rng)
            pin = ids.numeric_id(self.rng, 9)
            return meet_conference(plan.code, pin)
        if plan.conference == "zoom":
            return zoom_conference(ids.numeric_id(self.rng, 11))
        return None

    def _answers_on_my_calendar(self, plan: Plan) -> list[tuple[Person, str]]:
        """The attendees' answers as the account's calendar shows them. The account holds the
        meetings generated for it: where the draw said it declined (and so did not join), its
        calendar says accepted, so that generated workspaces keep every meeting they had;
        meetings the account declined are built by the tests that need them."""
        return [(p, "accepted" if p == self.me and s == "declined" else s) for p, s in plan.attendees]

    def _event(self, plan: Plan, recurrence: list[str] | None = None) -> dict:
        created = _as_datetime(plan.start, self.tz) - timedelta(
            days=self.rng.randint(1, 20), seconds=self.rng.randint(0, 86_000)
        )
        spec = EventSpec(
            event_id=plan.event_id or ids.event_id(self.rng),
            summary=plan.summary,
            organizer=plan.organizer,
            attendees=self._answers_on_my_calendar(plan),
            start=plan.start,
            end=plan.end,
            tz_name=self.ws.calendar_timezone,
            created=created.replace(microsecond=self.rng.randint(0, 999) * 1000),
            etag=ids.etag(self.rng),
            description=plan.description,
            location=plan.location,
            conference=self._conference(plan),
            status=plan.status,
            recurring_event_id=plan.recurring_event_id,
            original_start=plan.start if plan.recurring_event_id else None,  # type: ignore[arg-type]
            recurrence=recurrence,
            **self._invitations(plan),
        )
        return build_event(spec, self.ws.account_email)

    def _invitations(self, plan: Plan) -> dict:
        """A booked room for some timed events, and some invitees marked optional."""
        rng = self.invitation_rng
        timed = isinstance(plan.start, datetime)
        rooms = [rng.choice(self.rooms)] if timed and rng.random() < ROOM_SHARE else []
        optional = frozenset(
            person.email
            for person, _ in plan.attendees
            if person != plan.organizer and rng.random() < OPTIONAL_SHARE
        )
        return {"rooms": rooms, "optional": optional}

    def _materialize(self, plan: Plan) -> None:
        event = self.ws.add_event(self._event(plan), tuple(plan.scenarios))
        if plan.designated:
            self.designated.add(event["id"])
        if plan.conference != "meet" or not plan.joined or plan.status == "cancelled":
            return
        windows = plan.record_windows or [self._default_window(plan)]
        states = plan.transcript_states
        for start, end in windows:
            record = self.ws.add_conference(plan.code or "", start, end, event_id=event["id"])
            speakers = self._participants(plan, record["name"], start, end)
            for state, (t_start, t_end) in self._transcript_windows(states, start, end):
                transcript = self.ws.add_transcript(record["name"], t_start, t_end, state)
                self._entries(plan, transcript["name"], speakers, t_start, t_end)

    def _default_window(self, plan: Plan) -> tuple[datetime, datetime]:
        start, end = plan.start, plan.end
        assert isinstance(start, datetime) and isinstance(end, datetime)
        begin = start + timedelta(seconds=self.rng.uniform(-120, 240))
        finish = end + timedelta(seconds=self.rng.uniform(-300, 240))
        return begin, max(finish, begin + timedelta(minutes=5))

    def _transcript_windows(
        self, states: list[str] | None, start: datetime, end: datetime
    ) -> list[tuple[str, tuple[datetime, datetime]]]:
        states = ["FILE_GENERATED"] if states is None else states
        if not states:
            return []
        span = (end - start) / len(states)
        windows = []
        for index, state in enumerate(states):
            t_start = start + span * index + timedelta(seconds=self.rng.uniform(20, 90))
            t_end = start + span * (index + 1) - timedelta(seconds=self.rng.uniform(5, 60))
            windows.append((state, (t_start, max(t_end, t_start + timedelta(seconds=60)))))
        return windows

    def _participants(
        self, plan: Plan, record_name: str, start: datetime, end: datetime
    ) -> list[str]:
        joined = [p for p, s in plan.attendees if s != "declined" and self.rng.random() < 0.85]
        joined = joined or [plan.organizer]
        people = [("signedin", p.name) for p in joined] + plan.extra_participants
        names = []
        for kind, display in people:
            p_start = start + timedelta(seconds=self.rng.uniform(0, 180))
            p_end = end - timedelta(seconds=self.rng.uniform(0, 120))
            user_id = self._user_id(display) if kind == "signedin" else None
            participant = self.ws.add_participant(
                record_name, display, p_start, max(p_end, p_start), kind=kind, user_id=user_id
            )
            names.append(participant["name"])
        return names

    def _user_id(self, display_name: str) -> str:
        if display_name not in self.user_ids:
            self.user_ids[display_name] = ids.numeric_id(self.rng)
        return self.user_ids[display_name]

    def _entries(
        self, plan: Plan, transcript: str, speakers: list[str], start: datetime, end: datetime
    ) -> None:
        rng = self.rng
        count = plan.entry_count or rng.randint(5, 40)
        slot = (end - start) / count
        slot_seconds = slot.total_seconds()
        orphan_at = rng.randrange(count) if plan.orphan_entry else -1
        record = transcript.split("/transcripts/")[0]
        for index in range(count):
            e_start = start + slot * index + timedelta(seconds=rng.uniform(0, slot_seconds * 0.1))
            length = rng.uniform(1.5, max(min(slot_seconds * 0.85, 30.0), 2.0))
            text, language = self._utterance(plan, index, count)
            speaker = rng.choice(speakers)
            if index == orphan_at:
                speaker = f"{record}/participants/{ids.numeric_id(rng, 12)}"
            self.ws.add_entry(
                transcript, speaker, text, e_start, e_start + timedelta(seconds=length), language
            )

    def _utterance(self, plan: Plan, index: int, count: int) -> tuple[str, str]:
        """A line of the conversation: an opener first, a goodbye last."""
        if plan.non_ascii and index % 2 == 0:
            text = self.rng.choice(corpus.NON_ASCII_UTTERANCES)
            return text, _language_of(text)
        if index == 0:
            return self.rng.choice(corpus.OPENING_UTTERANCES), "en-US"
        if index == count - 1 and count > 2:
            return self.rng.choice(corpus.CLOSING_UTTERANCES), "en-US"
        return self.rng.choice(corpus.UTTERANCES), "en-US"

    def _tag_expired(self) -> None:
        by_name = {r["name"]: r for r in self.ws.conference_records}
        for event in self.ws.events:
            names = self.ws.event_records.get(event["id"], [])
            expired = all(self.ws.record_expired(by_name[n]) for n in names)
            if meet_code_of(event) and names and expired:
                self.ws.scenarios["expired"].append(event["id"])


def _plan_sort_key(plan: Plan) -> tuple[int, str]:
    start = plan.start
    if isinstance(start, datetime):
        return (1, start.isoformat())
    return (0, start.isoformat())


def _as_datetime(value: datetime | date, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tz)


def _language_of(text: str) -> str:
    if any("\u3040" <= c <= "\u9fff" for c in text):
        return "ja-JP"
    if "Ça" in text:
        return "fr-FR"
    if "Größere" in text:
        return "de-DE"
    if "Perfeito" in text:
        return "pt-BR"
    return "sv-SE"


def _minutes(gen: Generator, low: int, high: int) -> timedelta:
    return timedelta(minutes=gen.rng.randint(low, high), seconds=gen.rng.uniform(0, 59))


def _early_start(plan: Plan, gen: Generator) -> None:
    start, end = plan.start, plan.end
    assert isinstance(start, datetime) and isinstance(end, datetime)
    begin = start - timedelta(minutes=gen.rng.uniform(5.5, 9.5))
    plan.record_windows = [(begin, end + timedelta(seconds=gen.rng.uniform(-120, 60)))]


def _overrun(plan: Plan, gen: Generator) -> None:
    start, end = plan.start, plan.end
    assert isinstance(start, datetime) and isinstance(end, datetime)
    plan.record_windows = [(start + timedelta(seconds=30), end + _minutes(gen, 20, 39))]


def _two_records(plan: Plan, gen: Generator) -> None:
    start, end = plan.start, plan.end
    assert isinstance(start, datetime) and isinstance(end, datetime)
    middle = start + (end - start) / 2
    plan.record_windows = [
        (start + timedelta(seconds=40), middle - timedelta(minutes=3)),
        (middle + timedelta(minutes=1), end + timedelta(seconds=50)),
    ]


def _two_transcripts(plan: Plan, gen: Generator) -> None:
    plan.transcript_states = ["FILE_GENERATED", "FILE_GENERATED"]


def _transcript_started(plan: Plan, gen: Generator) -> None:
    plan.transcript_states = ["STARTED"]


def _no_transcript(plan: Plan, gen: Generator) -> None:
    plan.transcript_states = []


def _no_record(plan: Plan, gen: Generator) -> None:
    plan.joined = False


def _non_meet(plan: Plan, gen: Generator) -> None:
    plan.conference = None
    plan.location = gen.rng.choice(corpus.LOCATIONS)


def _addon(plan: Plan, gen: Generator) -> None:
    plan.conference = "zoom"
    plan.summary = "Zoom call: partner onboarding"


def _all_day(plan: Plan, gen: Generator) -> None:
    day = plan.start.date() if isinstance(plan.start, datetime) else plan.start
    plan.start, plan.end = day, day + timedelta(days=1)
    plan.summary, plan.conference = "Company offsite", None
    plan.attendees = plan.attendees[:3]


def _cancelled(plan: Plan, gen: Generator) -> None:
    plan.status = "cancelled"
    plan.summary = f"Cancelled: {plan.summary}"


def _midnight(plan: Plan, gen: Generator) -> None:
    assert isinstance(plan.start, datetime)
    plan.start = datetime.combine(plan.start.date(), time(23, 30), gen.tz)
    plan.end = plan.start + timedelta(hours=1)
    plan.summary = "Late-night launch watch (APAC handover)"


def _anonymous(plan: Plan, gen: Generator) -> None:
    plan.extra_participants.append(("anonymous", "Guest (Dana)"))


def _phone(plan: Plan, gen: Generator) -> None:
    plan.extra_participants.append(("phone", "+1 402-***-**87"))


def _non_ascii(plan: Plan, gen: Generator) -> None:
    plan.summary = corpus.NON_ASCII_TITLE
    plan.description = "Agenda: ロードマップ, Zoë's Ångström demo 🎉"
    domain = corpus.INTERNAL_DOMAIN
    extra = [(Person(f"{u}@{domain}", n), "accepted") for u, n in corpus.NON_ASCII_PEOPLE]
    plan.attendees = (plan.attendees + extra)[-8:]
    if plan.organizer not in [p for p, _ in plan.attendees]:
        plan.attendees[0] = (plan.organizer, "accepted")
    plan.non_ascii = True


def _long(plan: Plan, gen: Generator) -> None:
    assert isinstance(plan.start, datetime)
    plan.start = plan.start.replace(hour=13, minute=0)
    plan.end = plan.start + timedelta(hours=2)
    plan.summary = "All-hands: H2 strategy"
    plan.entry_count = gen.params.long_transcript_entries


def _orphan(plan: Plan, gen: Generator) -> None:
    plan.orphan_entry = True


RANDOM_VARIETY = (
    ("non_meet", _non_meet),
    ("no_record", _no_record),
    ("no_transcript", _no_transcript),
)

# Every scenario the generator tags, in the order ``Workspace.scenarios`` lists them. Each one with
# an applier gets a designated meeting; "recurring" tags the instances of the two series, and
# "expired" the Meet events whose every conference record Meet has deleted by ``now``.
SCENARIO_APPLIERS: dict[str, Callable[[Plan, Generator], None] | None] = {
    "recurring": None,
    "early_start": _early_start,
    "overrun": _overrun,
    "two_records": _two_records,
    "two_transcripts": _two_transcripts,
    "transcript_started": _transcript_started,
    "no_transcript": _no_transcript,
    "no_record": _no_record,
    "non_meet": _non_meet,
    "addon_conference": _addon,
    "all_day": _all_day,
    "cancelled": _cancelled,
    "midnight_crossing": _midnight,
    "anonymous_participant": _anonymous,
    "phone_participant": _phone,
    "non_ascii": _non_ascii,
    "long_transcript": _long,
    "expired": None,
    "entry_without_participant": _orphan,
}
# Tagged by the Docs Meet writes (emulator.data.meet_docs), each at least once when a
# workspace has enough transcripts: an unshared or deleted Doc, Gemini notes, an agenda Doc.
SCENARIOS = tuple(SCENARIO_APPLIERS) + DOC_SCENARIOS


def build_workspace(params: WorkspaceParams) -> Workspace:
    """The workspace ``params`` describe: the one place a workspace is generated."""
    return Generator(params).run()
