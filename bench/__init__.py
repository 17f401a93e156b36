"""`make bench`: the performance benchmark of the real pipeline against the emulator."""
