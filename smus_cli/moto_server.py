"""A moto server on a free loopback port, owned by the rehearsal: started, waited for, and always stopped.

Why a context manager around a process group: the rehearsal must leave no process or port behind, even when a step
fails or the run is interrupted. The server runs in its own session (its own process group), so stopping it also
stops anything it spawned; `stop` sends SIGTERM, waits, then SIGKILL, and checks the port is free again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

LOOPBACK = "127.0.0.1"


class MotoStartError(RuntimeError):
    """The server did not start or answer in time."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((LOOPBACK, port)) == 0


def _stop(process: subprocess.Popen[bytes], port: int, grace: float = 10.0) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)
    deadline = time.monotonic() + grace
    while port_open(port) and time.monotonic() < deadline:
        time.sleep(0.1)


@contextmanager
def moto_server(executable: Path, account_id: str, log: Path, *, startup_timeout: float = 60.0) -> Iterator[str]:
    """Run ``moto_server`` serving ``account_id``; yields its endpoint URL and stops it on exit, whatever happened.

    MOTO_ACCOUNT_ID makes moto answer callers with plain keys (the bootstrap apply, the drift job's `aws` calls) as
    the account under rehearsal; an assumed role answers in the role's own account anyway.
    """
    if not executable.is_file():
        raise MotoStartError(f"{executable} not found: run `make rehearse` (it installs .venv-rehearse)")
    port = free_port()
    environment = {**os.environ, "MOTO_ACCOUNT_ID": account_id}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(executable), "-H", LOOPBACK, "-p", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
    endpoint = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise MotoStartError(f"moto_server exited with {process.returncode} (see {log})")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise MotoStartError(
                        f"moto_server did not answer on {endpoint} in {startup_timeout:.0f} s"
                    ) from None
                time.sleep(0.2)
        yield endpoint
    finally:
        _stop(process, port)
