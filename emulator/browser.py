"""A headless "browser" that clicks Allow: it follows the consent URL's redirects in a thread.

``webbrowser.get(register_consent_browser()).open(url)`` is what
``InstalledAppFlow.run_local_server(browser=...)`` calls; the final redirect lands on the app's
loopback redirect server, which completes the flow.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
import webbrowser

BROWSER_NAME = "meetsync-consent"


class ConsentBrowser(webbrowser.BaseBrowser):
    """Opens URLs by GETting them with urllib (following redirects) in a daemon thread."""

    def __init__(self, name: str = BROWSER_NAME, timeout: float = 30.0) -> None:
        super().__init__(name)
        self.timeout = timeout
        self.opened: list[str] = []
        self.last_status: int | None = None
        self.last_url: str | None = None
        self.last_error: Exception | None = None
        self.done = threading.Event()

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        """Start visiting ``url`` and return True at once."""
        self.opened.append(url)
        self.done.clear()
        threading.Thread(target=self._visit, args=(url,), daemon=True).start()
        return True

    def _visit(self, url: str) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=self.timeout) as response:
                response.read()
                self.last_status, self.last_url = response.status, response.geturl()
        except urllib.error.HTTPError as exc:
            self.last_status, self.last_url, self.last_error = exc.code, exc.geturl(), exc
        except (urllib.error.URLError, OSError) as exc:
            self.last_error = exc
        finally:
            self.done.set()


def register_consent_browser(name: str = BROWSER_NAME) -> str:
    """Register a :class:`ConsentBrowser` with :mod:`webbrowser` and return its name."""
    webbrowser.register(name, None, ConsentBrowser(name))
    return name
