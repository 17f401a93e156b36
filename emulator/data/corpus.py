"""Names, meeting titles and utterances the generator draws from."""

from __future__ import annotations

INTERNAL_DOMAIN = "acme-corp.example"
PARTNER_DOMAINS = ("globex.example", "initech.example", "umbrella-health.example")

ACCOUNT = ("ana.souza", "Ana Souza")

COLLEAGUES = (
    ("bruno.lima", "Bruno Lima"),
    ("chloe.martin", "Chloé Martin"),
    ("david.okafor", "David Okafor"),
    ("emma.schmidt", "Emma Schmidt"),
    ("farid.haddad", "Farid Haddad"),
    ("grace.chen", "Grace Chen"),
    ("hiro.tanaka", "Hiro Tanaka"),
    ("isabel.garcia", "Isabel García"),
    ("jonas.berg", "Jonas Berg"),
    ("kavya.iyer", "Kavya Iyer"),
    ("liam.walsh", "Liam Walsh"),
    ("maria.rossi", "Maria Rossi"),
    ("noah.fischer", "Noah Fischer"),
    ("olga.petrova", "Olga Petrova"),
    ("pedro.alves", "Pedro Alves"),
    ("quinn.murphy", "Quinn Murphy"),
)

PARTNERS = (
    ("hank.scorpio", "Hank Scorpio", 0),
    ("lisa.park", "Lisa Park", 0),
    ("raj.patel", "Raj Patel", 0),
    ("bill.lumbergh", "Bill Lumbergh", 1),
    ("milton.waddams", "Milton Waddams", 1),
    ("joanna.lee", "Joanna Lee", 1),
    ("alice.wong", "Alice Wong", 2),
    ("carlos.diaz", "Carlos Díaz", 2),
)

NON_ASCII_PEOPLE = (
    ("zoe.angstrom", "Zoë Ångström"),
    ("yuki.sato", "佐藤 由紀"),
)

INTERNAL_TITLES = (
    "Sprint planning",
    "Backlog grooming",
    "Design review: checkout flow",
    "Architecture sync",
    "Incident retro",
    "Hiring debrief",
    "Roadmap check-in",
    "Data platform office hours",
    "Security review",
    "Marketing launch prep",
    "Budget review",
    "Team lunch & learn",
    "Customer escalation triage",
    "OKR planning",
    "Release readiness",
    "Analytics deep dive",
    "1:1 Ana / Bruno",
    "Interview: Senior Data Engineer",
)

PARTNER_TITLES = (
    "Quarterly business review — {org}",
    "{org} integration kickoff",
    "Contract renewal with {org}",
    "{org} API troubleshooting",
    "Pilot status: {org}",
)

ORG_NAMES = {
    "globex.example": "Globex",
    "initech.example": "Initech",
    "umbrella-health.example": "Umbrella Health",
}

DESCRIPTIONS = (
    "Agenda:\n1. Status\n2. Risks\n3. Next steps",
    "Please review the doc beforehand.",
    "Notes will be shared after the call.",
    "Dial-in details are attached. Recording disabled.",
)

LOCATIONS = ("Room 4B – Lisbon", "Auditorium", "Berlin office, 2nd floor")

ROOM_DOMAIN = "resource.calendar.google.com"
# Booked rooms: Workspace resources, listed among an event's attendees with resource: true.
ROOMS = (
    ("c_1888f3kq2uj6qhh0g9v1b2l4sa4", "Lisbon-4-Room 4B (8) [Meet hardware]"),
    ("c_18813e7tpe8dujigkhbm7v0lr5i", "Lisbon-2-Auditorium (60)"),
    ("c_188a0r9bmh1lmgnrhs3ksc4vfbc", "Berlin-2-Spree (6)"),
)

OPENING_UTTERANCES = (
    "Let's get started, thanks everyone for joining.",
    "Hi all, let's give it one more minute for people to join.",
    "Hi everyone, shall we kick off?",
)

CLOSING_UTTERANCES = (
    "Great, thanks everyone. Talk soon.",
    "Thanks all, I'll send out the notes after this call.",
    "Perfect, that's all for today. Bye!",
)

UTTERANCES = (
    "Can everyone hear me okay?",
    "Quick update from my side: the migration is about eighty percent done.",
    "We're blocked on the API credentials from the vendor.",
    "I think we should push the release to next Tuesday.",
    "Does anyone have concerns about the timeline?",
    "The numbers from last week look much better.",
    "I'll follow up with legal on the contract wording.",
    "Can you share your screen?",
    "We saw a spike in error rates on Monday night.",
    "Let's take that offline.",
    "The customer asked for a demo next week.",
    "I've updated the ticket with the details.",
    "We need a decision on the budget by Friday.",
    "That sounds good to me.",
    "Could you repeat the last part? You cut out.",
    "I'll send out the notes after this call.",
    "The design team has a new mock-up for the dashboard.",
    "We should add monitoring before we roll this out.",
    "Churn is down two points quarter over quarter.",
    "Who owns the follow-up on the onboarding flow?",
    "I agree, let's prioritize the performance work.",
    "Sorry, I was on mute.",
    "The integration tests are green again.",
    "Let's revisit this in the next sync.",
    "We're on track for the end of the month.",
    "I have a hard stop in five minutes.",
)

NON_ASCII_UTTERANCES = (
    "Ça marche, Zoë ! On valide la maquette 👍",
    "会議の議事録は後で共有します。",
    "Größere Änderungen bitte erst nach dem Release.",
    "Perfeito, obrigado pela atualização! 🚀",
    "Ångström-enheten är klar för test.",
)

NON_ASCII_TITLE = "会議: Q4 ロードマップ with Zoë Ångström 🚀"
