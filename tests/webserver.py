"""Start `qa serve` on a free 127.0.0.1 port for a test, and stop it by its PID."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(timeout: float = 300.0, index: str = "default", api_only: bool = False) -> Iterator[str]:
    """The server's base URL ending in "/"; ``api_only`` serves the HTTP API and MCP without the page."""
    port = free_port()
    # Documents added through the page go to a throw-away folder, never the project's own user corpus.
    library = tempfile.mkdtemp(prefix="qa-serve-library-")
    env = {**os.environ, "QA_MODEL": "offline", "GRADIO_ANALYTICS_ENABLED": "False", "QA_USER_CORPUS": library}
    # The server's output goes to a temporary file, kept (and named in the error) only if it fails.
    log = tempfile.NamedTemporaryFile("w", prefix=f"qa-serve-{port}-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--index", index]
        + (["--api-only"] if api_only else []),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    ready = url + ("healthz" if api_only else "")
    failed = True
    try:
        deadline = time.time() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"qa serve exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(ready, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise TimeoutError(f"qa serve did not answer on {url} within {timeout} s")
            time.sleep(0.5)
        yield url
        failed = False
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(library, ignore_errors=True)  # the temporary folder made above
        if not failed:
            Path(log.name).unlink(missing_ok=True)
