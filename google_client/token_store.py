"""The stored Google connection: one JSON file, written atomically with mode 0600."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from google_client.setup_errors import SetupError

ACTIVE = "active"
# Google refused the refresh token for good; each refusal is its own status (credentials.py).
RECONNECT_REQUIRED = "reconnect_required"  # invalid_grant: revoked or expired
CLIENT_REJECTED = "client_rejected"  # invalid_client, deleted_client
CLIENT_MISMATCH = "client_mismatch"  # unauthorized_client
ADMIN_POLICY = "admin_policy"  # admin_policy_enforced
ADVANCED_PROTECTION = "advanced_protection"  # policy_enforced

STATUS_LABELS = {
    ACTIVE: "Active",
    RECONNECT_REQUIRED: "Reconnect required",
    CLIENT_REJECTED: "OAuth client rejected",
    CLIENT_MISMATCH: "OAuth client changed",
    ADMIN_POLICY: "Blocked by a Workspace admin",
    ADVANCED_PROTECTION: "Blocked by Advanced Protection",
}


@dataclass(frozen=True)
class StoredConnection:
    """What meetsync keeps of a Google connection. Never log an instance: it holds secrets."""

    account_email: str
    refresh_token: str
    client_id: str
    token_uri: str
    scopes: tuple[str, ...]  # the scopes Google granted, which may be fewer than asked for
    access_token: str | None = None
    expiry: datetime | None = None  # naive UTC, as google-auth keeps it
    status: str = ACTIVE
    connected_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat())

    def __repr__(self) -> str:
        return f"StoredConnection(account_email={self.account_email!r}, status={self.status!r})"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def to_json(self) -> dict:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["expiry"] = self.expiry.isoformat() if self.expiry else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> StoredConnection:
        expiry = data.get("expiry")
        return cls(
            account_email=data["account_email"],
            refresh_token=data["refresh_token"],
            client_id=data["client_id"],
            token_uri=data["token_uri"],
            scopes=tuple(data.get("scopes") or ()),
            access_token=data.get("access_token"),
            expiry=datetime.fromisoformat(expiry) if expiry else None,
            status=data.get("status", ACTIVE),
            connected_at=data.get("connected_at", ""),
        )


class CorruptTokenStoreError(SetupError):
    """The connection file exists but cannot be read."""


class TokenStore:
    """Reads and writes ``<home>/connection.json``; safe to share between threads."""

    FILENAME = "connection.json"

    def __init__(self, home: Path | str) -> None:
        self.home = Path(home).expanduser()
        self.path = self.home / self.FILENAME
        self._lock = threading.Lock()

    def load(self) -> StoredConnection | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            return StoredConnection.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptTokenStoreError(
                f"{self.path} is not a valid meetsync connection file ({type(exc).__name__}); "
                "run `meetsync disconnect` and `meetsync connect` again"
            ) from None

    def save(self, connection: StoredConnection) -> None:
        with self._lock:
            self._write(connection)

    def delete(self) -> bool:
        with self._lock:
            try:
                self.path.unlink()
            except FileNotFoundError:
                return False
            return True

    def update_tokens(self, refresh_token: str, access_token: str, expiry: datetime | None) -> None:
        """Persist a refreshed access token, unless the connection was replaced or removed."""
        with self._lock:
            current = self.load()
            if current is None or current.refresh_token != refresh_token:
                return
            self._write(replace(current, access_token=access_token, expiry=expiry, status=ACTIVE))

    def mark_reconnect_required(self, refresh_token: str) -> None:
        self.mark_refused(refresh_token, RECONNECT_REQUIRED)

    def mark_refused(self, refresh_token: str, status: str) -> None:
        """Record that Google refused ``refresh_token`` for good (``status`` says why), unless
        the connection was replaced or removed meanwhile."""
        with self._lock:
            current = self.load()
            if current is None or current.refresh_token != refresh_token:
                return
            self._write(replace(current, access_token=None, expiry=None, status=status))

    def _write(self, connection: StoredConnection) -> None:
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps(connection.to_json(), indent=2).encode("utf-8")
        fd, tmp_name = tempfile.mkstemp(prefix=".connection.", suffix=".tmp", dir=self.home)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
