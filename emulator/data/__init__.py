"""What the emulated accounts hold: the workspace model, the builders of Google's resources,
the seeded generator and its corpus, and the Docs Meet writes for transcripts."""
