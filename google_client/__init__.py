"""Google Calendar, Meet and Drive for meetsync, over Google's client libraries: the connected
account (OAuth consent, a 0600 token store, tokens refreshed once for all threads), and a
client whose calls are paged, rate limited per API and retried on transient faults.

This module is the package's one public surface: the Dagster resource hands out
``open_client(config)``'s :class:`GoogleClient`; the ``meetsync`` command uses the account
functions. Nothing outside the package imports its modules.
"""

from google_client.accounts import (
    ConnectError,
    ConnectionStatus,
    Disconnection,
    connect,
    connection_status,
    disconnect,
    status_of,
)
from google_client.api_client import (
    MAX_ENTRIES_PAGE,
    MAX_EVENTS_PAGE,
    MAX_PARTICIPANTS_PAGE,
    MAX_RECORDS_PAGE,
    MAX_TRANSCRIPTS_PAGE,
    GoogleClient,
    MeetApiUnavailableError,
    MissingScopeError,
    RequestUsage,
    ServiceDisabledError,
    open_client,
)
from google_client.config import ClientLimits, GoogleConfig
from google_client.credentials import (
    RECONNECT_MESSAGE,
    AdminPolicyError,
    AdvancedProtectionError,
    NotConnectedError,
    OAuthClientMismatchError,
    OAuthClientRejectedError,
    ReconnectRequiredError,
    RefreshFailedError,
    RefreshRefusedError,
    TokenEndpointUnavailableError,
)
from google_client.endpoints import GoogleEndpoints
from google_client.rate_limit import ARRIVAL_MARGIN_SECONDS
from google_client.retry import error_message, error_reasons, is_retryable
from google_client.scopes import CALENDAR_SCOPE, DRIVE_MEET_SCOPE, MEET_SCOPE
from google_client.setup_errors import MissingClientError, SetupError, setup_error_names
from google_client.token_store import StoredConnection, TokenStore

__all__ = [
    "ARRIVAL_MARGIN_SECONDS",
    "CALENDAR_SCOPE",
    "DRIVE_MEET_SCOPE",
    "MAX_ENTRIES_PAGE",
    "MAX_EVENTS_PAGE",
    "MAX_PARTICIPANTS_PAGE",
    "MAX_RECORDS_PAGE",
    "MAX_TRANSCRIPTS_PAGE",
    "MEET_SCOPE",
    "RECONNECT_MESSAGE",
    "AdminPolicyError",
    "AdvancedProtectionError",
    "ClientLimits",
    "ConnectError",
    "ConnectionStatus",
    "Disconnection",
    "GoogleClient",
    "GoogleConfig",
    "GoogleEndpoints",
    "MeetApiUnavailableError",
    "MissingClientError",
    "MissingScopeError",
    "NotConnectedError",
    "OAuthClientMismatchError",
    "OAuthClientRejectedError",
    "ReconnectRequiredError",
    "RefreshFailedError",
    "RefreshRefusedError",
    "RequestUsage",
    "ServiceDisabledError",
    "SetupError",
    "StoredConnection",
    "TokenEndpointUnavailableError",
    "TokenStore",
    "connect",
    "connection_status",
    "disconnect",
    "error_message",
    "error_reasons",
    "is_retryable",
    "open_client",
    "setup_error_names",
    "status_of",
]
