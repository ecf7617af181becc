"""Separate processes for the parts under load, so the load generator never shares their GIL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """uvicorn binds only after its lifespan startup, so an accepted connection means ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


@contextmanager
def running(
    command: Sequence[str], env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process that is stopped (SIGTERM, then SIGKILL) however the block ends.

    Its output goes to a file, not a pipe (a full pipe would stall it
    mid-benchmark), and is shown if the block fails.
    """
    descriptor, name = tempfile.mkstemp(prefix="mldebt-bench-", suffix=".log")
    log = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as sink:
            process = subprocess.Popen(
                list(command), env=dict(env or os.environ), cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
            )
        try:
            yield process
        except BaseException:
            print(
                f"--- last output of {' '.join(command)}:\n{log.read_text(errors='replace')[-3000:]}",
                file=sys.stderr,
            )
            raise
        finally:
            stop(process)
    finally:
        log.unlink(missing_ok=True)


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
