"""One module per API the emulator serves: OAuth 2.0, Calendar v3, Meet v2, Drive v3."""
