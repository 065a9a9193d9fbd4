"""The time budget of one article's work, in whichever process and thread it runs.

``limit(seconds)`` raises ``OverBudget`` in the code it wraps once ``seconds`` have passed:

- in a process's main thread (the inline engine, and every local worker process, whose
  tasks run in its main thread) by ``SIGALRM`` (``setitimer``): the handler runs between
  two bytecodes and also inside long native loops that check for signals, such as a
  regular expression's match;
- in any other thread (a dask worker's task threads, where signals cannot be used) by a
  timer thread that raises it in the working thread (``PyThreadState_SetAsyncExc``):
  between two bytecodes only.

``OverBudget`` is a ``BaseException``, so that library code's ``except Exception`` (e.g.
trafilatura's fallbacks) cannot swallow it and carry on. Native code that never returns to
the interpreter is not interrupted here (none of the extraction's native steps, lxml and
the CRF taggers, costs more than linear time); a local worker process stuck so is ended
by its watch thread at twice the budget (``worker.STUCK_AFTER``).
"""
from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager
from typing import Iterator


class OverBudget(BaseException):
    """The work went past its time budget."""


@contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Raise ``OverBudget`` in the wrapped code after ``seconds`` (None or 0: no limit)."""
    if not seconds or seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _async_raise(seconds):
            yield


def _on_alarm(signum, frame) -> None:
    raise OverBudget()


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even when the alarm goes off just now
            signal.signal(signal.SIGALRM, previous)


def _set_async_exc(thread: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in ``thread`` at its next bytecode (None: withdraw it)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exception) if exception else None)


@contextmanager
def _async_raise(seconds: float) -> Iterator[None]:
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"inside": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["inside"]:
                state["fired"] = True
                _set_async_exc(target, OverBudget)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["inside"] = False
            if state["fired"]:
                # not delivered yet (the thread was in native code until now): withdraw it,
                # it must not go off in whatever code runs next
                _set_async_exc(target, None)
