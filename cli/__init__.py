"""The `meetsync` command (connect, status, disconnect, sql, emulator) and the local stack
behind `make demo` and `make ui`."""
