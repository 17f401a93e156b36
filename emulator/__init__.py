"""A faithful local Google Workspace: OAuth 2.0, Calendar v3 and Meet v2 over real HTTP."""

from emulator.data.account import Workspace
from emulator.data.workspace import generate_workspace
from emulator.wire.quota import QuotaConfig
from emulator.wire.server import Emulator, FaultConfig

__all__ = ["Emulator", "FaultConfig", "QuotaConfig", "Workspace", "generate_workspace"]
