import json
import stat
from datetime import datetime

import pytest

from google_client.token_store import CorruptTokenStoreError, StoredConnection, TokenStore


def connection(refresh="1//refresh-secret") -> StoredConnection:
    return StoredConnection(
        account_email="ana@acme.example",
        refresh_token=refresh,
        client_id="cid",
        token_uri="http://127.0.0.1:1/token",
        scopes=("a", "b"),
        access_token="ya29.secret",
        expiry=datetime(2026, 11, 25, 10),
    )


def test_round_trip_with_mode_0600(tmp_path):
    store = TokenStore(tmp_path / "home")
    saved = connection()
    store.save(saved)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.load() == saved
    assert [p.name for p in store.home.iterdir()] == ["connection.json"]  # no temp files left


def test_repr_never_shows_tokens():
    text = repr(connection())
    assert "secret" not in text and "ana@acme.example" in text


def test_refresh_keeps_refresh_token_and_ignores_replaced_connection(tmp_path):
    store = TokenStore(tmp_path)
    store.save(connection())
    store.update_tokens("1//refresh-secret", "ya29.new", datetime(2026, 11, 25, 11))
    loaded = store.load()
    assert (loaded.refresh_token, loaded.access_token) == ("1//refresh-secret", "ya29.new")
    store.update_tokens("1//an-old-token", "ya29.stale", None)
    assert store.load().access_token == "ya29.new"


def test_mark_reconnect_required_and_delete(tmp_path):
    store = TokenStore(tmp_path)
    store.save(connection())
    store.mark_reconnect_required("1//refresh-secret")
    assert store.load().status_label == "Reconnect required"
    assert store.delete() is True
    assert store.load() is None
    store.update_tokens("1//refresh-secret", "x", None)  # a run refreshing after disconnect
    assert store.load() is None


def test_a_refusal_is_recorded_for_its_own_refresh_token_only(tmp_path):
    store = TokenStore(tmp_path)
    store.save(connection())
    store.mark_refused("1//an-old-token", "admin_policy")  # a connection since replaced
    assert store.load().status == "active"
    store.mark_refused("1//refresh-secret", "admin_policy")
    loaded = store.load()
    assert (loaded.status, loaded.status_label, loaded.access_token) == (
        "admin_policy",
        "Blocked by a Workspace admin",
        None,
    )


def test_corrupt_file_gives_clear_error(tmp_path):
    store = TokenStore(tmp_path)
    store.path.write_text(json.dumps({"nope": 1}))
    with pytest.raises(CorruptTokenStoreError, match="meetsync disconnect"):
        store.load()
