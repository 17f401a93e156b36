"""The emulator's HTTP plumbing: the server and its routes, Google's error bodies, page
tokens, query parameters, ``fields`` partial responses, injected faults, per-user quotas and
Google's timestamp styles."""
