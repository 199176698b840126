"""Run the reading of an untrusted file in a child process with hard limits.

A workbook or a plan document uploaded by a person is parsed by libraries (python-calamine,
python-docx) whose memory use follows what the file claims: one cell typed at XFD1048576 makes
python-calamine allocate half a terabyte and abort the whole process. Parsing therefore happens in
a short-lived child Python process that:

- gets the file's bytes on its standard input and writes its answer on standard output;
- has its address space capped (RLIMIT_AS), its CPU time capped (RLIMIT_CPU) and may not create
  files (RLIMIT_FSIZE = 0);
- is killed by the parent when the wall-clock limit passes.

An allocation failure, an abort or a time-out therefore ends only that child: the request that
sent the file gets a Vietnamese refusal naming the limit, and the server and every other user go
on. The function run in the child returns plain Python values (lists, dicts, str, numbers, None,
dates); the parent unpickles only those types.

Usage: `run("loaders.sheet_file", "extract", payload, memory_mb=…, seconds=…)` calls
`loaders.sheet_file.extract(payload)` in the child, where payload is any plain value."""
from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass

from indicators.settings import READ_PARALLEL, READ_QUEUE_SECONDS, ROOT

ANSWER_BYTES = 128 * 1024 * 1024  # the largest answer a child may send (a national compilation: ~25 MB)
_SAFE_GLOBALS = {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta"),
                 ("loaders.sandbox", "Refused")}


@dataclass
class Refused(Exception):
    """Raised by a function running in the child: a refusal with its Vietnamese wording."""

    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return self.message


class LimitExceeded(Exception):
    """The child was stopped by a limit (memory, time) or died; `message` is Vietnamese."""

    def __init__(self, kind: str, message: str, hint: str):
        super().__init__(message)
        self.kind, self.message, self.hint = kind, message, hint


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused global {module}.{name}")


def _loads(data: bytes):
    return _PlainUnpickler(io.BytesIO(data)).load()


# At most this many files are read at once in one server process, so parallel uploads cannot add
# their memory limits up without bound; the others wait their turn (up to READ_QUEUE_SECONDS).
_SLOTS = threading.BoundedSemaphore(READ_PARALLEL)
# Whose file is being read: one at a time per person, so one account with two tabs cannot hold
# every slot while everyone else waits.
_READING: set[str] = set()
_READING_LOCK = threading.Lock()


def run(module: str, function: str, payload, *, memory_mb: int, seconds: float, what: str, owner: str | None = None):
    """Call module.function(payload) in a limited child process and return its result.

    Raises Refused when the function refused the input, LimitExceeded when the child ran out of
    memory or time or died, when too many files were being read for too long, or when `owner`
    (an account) already has a file being read. `what` names the file in messages ("tệp bao-cao.xlsx")."""
    if owner is not None:
        with _READING_LOCK:
            if owner in _READING:
                raise LimitExceeded("busy", f"Một tệp khác của tài khoản {owner} đang được đọc nên chưa đọc {what}.",
                                    "Chờ tệp trước đọc xong (vài giây) rồi tải lên lại; không tải cùng lúc ở nhiều thẻ.")
            _READING.add(owner)
    try:
        if not _SLOTS.acquire(timeout=READ_QUEUE_SECONDS):
            raise LimitExceeded("busy", f"Máy chủ đang đọc {READ_PARALLEL} tệp khác nên chưa đọc được {what}.",
                                "Chờ một phút rồi tải lên lại.")
        try:
            return _run(module, function, payload, memory_mb=memory_mb, seconds=seconds, what=what)
        finally:
            _SLOTS.release()
    finally:
        if owner is not None:
            with _READING_LOCK:
                _READING.discard(owner)


def _run(module: str, function: str, payload, *, memory_mb: int, seconds: float, what: str):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
           "from loaders.sandbox import _child; _child()", str(ROOT), module, function, str(memory_mb), str(seconds)]
    try:
        proc = subprocess.run(cmd, input=pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), capture_output=True,
                              timeout=seconds + 1, env=env, cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        raise _time_limit(what, seconds) from None
    if proc.returncode == 0:
        try:
            status, value = _loads(proc.stdout)
        except Exception:
            raise LimitExceeded("crash", f"Không đọc được {what}: chương trình đọc tệp dừng bất thường.",
                                "Mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên lần nữa.") from None
        if status == "ok":
            return value
        if status == "refused":
            raise value
        if status == "memory":
            raise _memory_limit(what, memory_mb)
        if status == "time":
            raise _time_limit(what, seconds)
        raise LimitExceeded("crash", f"Không đọc được {what} ({value}).",
                            "Mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên lần nữa.")
    # killed by a signal: SIGXCPU (CPU limit), SIGKILL, SIGABRT / SIGSEGV (allocation failure)
    import signal

    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _time_limit(what, seconds)
    raise _memory_limit(what, memory_mb)


def _memory_limit(what: str, memory_mb: int) -> LimitExceeded:
    return LimitExceeded("memory", f"Đọc {what} cần quá {memory_mb} MB bộ nhớ (giới hạn để bảo vệ máy chủ), nên đã dừng.",
                         "Chỉ tải lên biểu mẫu do hệ thống tạo; xóa dữ liệu, ảnh, trang tính thừa hoặc các ô ở rất xa bảng.")


def _time_limit(what: str, seconds: float) -> LimitExceeded:
    from indicators import fmt

    return LimitExceeded("time", f"Đọc {what} mất quá {fmt.num(seconds)} giây (giới hạn để bảo vệ máy chủ), nên đã dừng.",
                         "Chỉ tải lên biểu mẫu do hệ thống tạo, không chép thêm dữ liệu; tệp rất lớn thì chia nhỏ.")


def _child() -> None:
    """Entry point of the child: limits first, then read stdin, call, answer on stdout."""
    import resource

    module, function, memory_mb, seconds = sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    out = sys.stdout.buffer
    try:
        payload = pickle.loads(sys.stdin.buffer.read())  # written by our own parent
        import importlib

        func = getattr(importlib.import_module(module), function)
        answer = ("ok", func(payload))
    except Refused as exc:
        answer = ("refused", exc)
    except MemoryError:
        answer = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - the parent turns it into a Vietnamese refusal
        answer = ("error", type(exc).__name__)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    if len(data) > ANSWER_BYTES:  # the parent never unpickles more than this
        data = pickle.dumps(("memory", None))
    out.write(data)
    out.flush()
