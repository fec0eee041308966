"""How a `smus` process ends: SIGTERM and SIGHUP end it like Ctrl-C, and a synth dies with the process that ran it.

CI runners and `timeout` send SIGTERM, a closed terminal sends SIGHUP; Python's default for both is to die at once,
skipping the clean-up that removes a half-written staging folder. Raising KeyboardInterrupt instead runs the same
`finally` blocks Ctrl-C runs.

`npx cdktn synth` and the `cdktf.json` app command start the Python synth as a child. Killed, the caller used to leave
it running as an orphan that replaced the output seconds after the caller had reported a failure. The kernel signals
the synth when its parent dies (``prctl(PR_SET_PDEATHSIG)``, Linux). That alone is not enough: the CLI starts the
app through `/bin/sh -c`, and dash does not exec its last command, so the parent is a shell that outlives the CLI. So
a daemon thread also watches every ancestor (by PID and start time, from /proc, so a reused PID is not mistaken for
the same process) and ends the synth when any of them is gone; without /proc it watches the parent PID.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
#: The signals received, first first: the exit code is 128 + the first.
received: list[int] = []


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    received.append(signum)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def end_like_ctrl_c() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread (and remember which came)."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)


def die_with_parent(poll_seconds: float = 0.25) -> None:
    """Get SIGTERM when the parent or any ancestor dies (handled like Ctrl-C: clean up, write nothing)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        _prctl_deathsig(signal.SIGTERM)
    ancestors = _ancestors(os.getpid())
    if os.getppid() != parent:  # the parent died before any of this took effect
        os.kill(os.getpid(), signal.SIGTERM)
        return
    threading.Thread(target=_watch, args=(parent, ancestors, poll_seconds), name="ancestor-watch", daemon=True).start()


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent PID, start time) of ``pid`` from /proc, or None when it is gone or /proc is not there."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": state ppid ... starttime is field 22
    return int(fields[1]), fields[19]


def _ancestors(pid: int) -> list[tuple[int, str]]:
    """Every ancestor of ``pid`` below init, as (PID, start time)."""
    chain: list[tuple[int, str]] = []
    current = _stat(pid)
    while current is not None and current[0] > 1 and len(chain) < 64:
        parent = current[0]
        current = _stat(parent)
        if current is None:
            break
        chain.append((parent, current[1]))
    return chain


def _watch(parent: int, ancestors: list[tuple[int, str]], poll_seconds: float) -> None:
    while os.getppid() == parent and all(_alive(pid, started) for pid, started in ancestors):
        time.sleep(poll_seconds)
    os.kill(os.getpid(), signal.SIGTERM)


def _alive(pid: int, started: str) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] == started


def _prctl_deathsig(signum: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False
