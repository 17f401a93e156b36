"""A faithful local Google Workspace over real HTTP, in Google's wire format and errors, for
the demo, the tests and the benchmark. It serves:

- OAuth 2.0 for installed apps: ``/o/oauth2/auth`` (consent, scopes that can be unticked),
  ``/token`` (codes, refresh, ``invalid_grant``) and ``/revoke``;
- Calendar v3: ``calendars.get``, ``events.list`` and ``events.get``;
- Meet v2: ``conferenceRecords.list/get`` and their ``transcripts``, ``transcripts.entries``
  and ``participants``, and ``spaces.get``;
- Drive v3: ``files.get`` and ``files.export`` of the Docs Meet writes for transcripts.

``wire/`` is the HTTP plumbing (server, routes, errors, paging, ``fields``, faults, quotas,
timestamps), ``apis/`` one module per API, ``data/`` the accounts' data and its generator.
"""

from emulator.data.account import Workspace
from emulator.data.workspace import generate_workspace
from emulator.wire.quota import QuotaConfig
from emulator.wire.server import Emulator, FaultConfig

__all__ = ["Emulator", "FaultConfig", "QuotaConfig", "Workspace", "generate_workspace"]
