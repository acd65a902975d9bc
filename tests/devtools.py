"""A small DevTools-protocol client for the old headless Chromium builds of tests/oldengines.

Playwright speaks only to the Chromium it was built for; these engines (64-83) still answer
the protocol's stable core over a websocket: Runtime.evaluate, Page.navigate/reload, and the
events that report script errors (Runtime.exceptionThrown, console errors, Log entries).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import websocket

from tests.support import free_port, real_clock_env, stop_process

ENGINE_ARGS = [
    "--headless",
    "--no-sandbox",  # these builds run as root here; a kiosk runs them as a user
    "--disable-gpu",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--no-first-run",
    "--mute-audio",
    "--window-size=1280,720",
]
CALL_TIMEOUT_S = 30


class DevToolsError(RuntimeError):
    """The engine answered a call with an error, or a script it ran threw."""


class EnginePage:
    """One headless engine with one page, driven over the DevTools protocol."""

    def __init__(self, binary: Path, profile: Path, log: Path) -> None:
        port = free_port()
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    str(binary),
                    *ENGINE_ARGS,
                    f"--remote-debugging-port={port}",
                    f"--user-data-dir={profile}",
                    "about:blank",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=real_clock_env(),
            )
        self.log = log
        self.next_id = 0
        self.errors: list[str] = []  # script errors the page reported, in order
        try:
            self.socket = websocket.create_connection(
                self._page_socket(port), timeout=CALL_TIMEOUT_S, suppress_origin=True
            )
            for domain in ("Runtime", "Log", "Page"):
                self.call(f"{domain}.enable")
        except BaseException:
            stop_process(self.process)
            raise

    def _page_socket(self, port: int) -> str:
        """The websocket of the engine's first page, once its DevTools server answers."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the engine exited:\n{self.log.read_text(errors='replace')}")
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
            except (requests.ConnectionError, requests.Timeout, ValueError):
                time.sleep(0.2)
                continue
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise RuntimeError("the engine's DevTools server did not answer in 60 s")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events meanwhile are noted."""
        self.next_id += 1
        call_id = self.next_id
        self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + CALL_TIMEOUT_S
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise DevToolsError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._note(message)
        raise DevToolsError(f"{method}: no answer in {CALL_TIMEOUT_S} s")

    def _note(self, event: dict[str, Any]) -> None:
        """Keep the script errors among the events."""
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            thrown = details.get("exception", {}).get("description") or details.get("text")
            self.errors.append(f"exception: {thrown}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            words = [str(a.get("value", a.get("description"))) for a in params.get("args", [])]
            self.errors.append("console.error: " + " ".join(words))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            # Network entries (a refused connection while the server is down) are not errors
            # of the player's scripts.
            if entry.get("level") == "error" and entry.get("source") != "network":
                self.errors.append(f"log ({entry.get('source')}): {entry.get('text')}")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when a promise)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def reload(self) -> None:
        self.call("Page.reload", ignoreCache=False)

    def wait_for(self, expression: str, seconds: float, message: str | Callable[[], str]) -> Any:
        """Poll an expression until it is truthy; its value. Fails with message after seconds."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except DevToolsError:
                value = None  # the page is between two documents (a reload)
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(message() if callable(message) else message)

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            stop_process(self.process, seconds=5)
