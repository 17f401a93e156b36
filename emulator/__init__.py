"""A faithful local Google Workspace: OAuth 2.0, Calendar v3 and Meet v2 over real HTTP."""

from emulator.account import Workspace
from emulator.quota import QuotaConfig
from emulator.server import Emulator, FaultConfig
from emulator.workspace import generate_workspace

__all__ = ["Emulator", "FaultConfig", "QuotaConfig", "Workspace", "generate_workspace"]
