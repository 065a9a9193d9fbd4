"""One extraction run at a time per database: an advisory lock on ``<db>.lock``.

A run holds it from before its first write to after its last (``hold``); a second run on
the same database does not wait but stops at once with one line naming the running one
(``Busy``): a run can take hours, and one queued silently behind it would look hung, then
redo what the first just did. The kernel releases the lock when its process ends, however
it ends (``kill -9`` included): a lock file left behind locks nothing. The file keeps the
holder's pid, host and start time, for the message.

Other writers (a Datasette set-up refreshing an old database, a user's ``sqlite-utils``)
do not take this lock; they and the run wait for each other's transactions instead (the
store's ``BEGIN IMMEDIATE`` and ``busy_timeout``).
"""
from __future__ import annotations

import fcntl
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class Busy(Exception):
    """Another run holds the database's lock; ``str()`` is the one line to show."""


def lock_path(db: str | os.PathLike[str]) -> Path:
    db = Path(db)
    return db.with_name(db.name + ".lock")


@contextmanager
def hold(db: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the run lock of ``db`` for the block; raise ``Busy`` if another run has it."""
    path = lock_path(db)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another process"
            raise Busy(f"{db}: another extraction is writing to this database ({holder}); "
                       "wait for it to finish, or use another --db") from None
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {started}".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
