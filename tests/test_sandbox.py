"""The limited child process that reads untrusted files (loaders/sandbox.py): whatever the file
does to the reader, only that child ends, and the caller gets a Vietnamese refusal."""
from __future__ import annotations

import threading
import time

import pytest

from loaders import sandbox

pytestmark = pytest.mark.app  # real child processes


def test_a_plain_answer_comes_back():
    assert sandbox.run("json", "loads", '{"a": [1, 2.5, null]}', memory_mb=512, seconds=5, what="tệp x") == \
        {"a": [1, 2.5, None]}


def test_an_allocation_past_the_memory_limit_ends_only_the_child():
    with pytest.raises(sandbox.LimitExceeded) as exc:
        sandbox.run("builtins", "bytearray", 2 * 1024 ** 3, memory_mb=512, seconds=5, what="tệp x.xlsx")
    assert exc.value.kind == "memory" and "512 MB" in exc.value.message and "tệp x.xlsx" in exc.value.message


def test_a_reader_that_hangs_is_stopped_at_the_time_limit():
    start = time.monotonic()
    with pytest.raises(sandbox.LimitExceeded) as exc:
        sandbox.run("time", "sleep", 60, memory_mb=512, seconds=1, what="tệp x.xlsx")
    assert exc.value.kind == "time" and "1 giây" in exc.value.message
    assert time.monotonic() - start < 5


def test_an_answer_that_is_not_plain_data_is_not_unpickled():
    """The parent unpickles only plain values: a child answering with any other object (here a
    module-level function, pickled by reference) gives a refusal, never the object."""
    with pytest.raises(sandbox.LimitExceeded) as exc:
        sandbox.run("operator", "itemgetter", 0, memory_mb=512, seconds=5, what="tệp x")
    assert exc.value.kind == "crash"


def test_parallel_reads_wait_for_a_slot_then_are_asked_to_retry(monkeypatch):
    monkeypatch.setattr(sandbox, "_SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(sandbox, "READ_QUEUE_SECONDS", 0.2)
    sandbox._SLOTS.acquire()  # another upload is being read
    try:
        with pytest.raises(sandbox.LimitExceeded) as exc:
            sandbox.run("json", "loads", "1", memory_mb=512, seconds=5, what="tệp x")
        assert exc.value.kind == "busy" and "thử" not in exc.value.message and "tải lên lại" in exc.value.hint
    finally:
        sandbox._SLOTS.release()
    assert sandbox.run("json", "loads", "1", memory_mb=512, seconds=5, what="tệp x") == 1


def test_one_account_reads_one_file_at_a_time():
    """Found by the hostile review: two tabs of one account could hold every read slot."""
    errors = []

    def slow():
        sandbox.run("time", "sleep", 1.5, memory_mb=512, seconds=5, what="tệp a", owner="can.bo")

    first = threading.Thread(target=slow)
    first.start()
    time.sleep(0.5)
    try:
        sandbox.run("json", "loads", "1", memory_mb=512, seconds=5, what="tệp b", owner="can.bo")
    except sandbox.LimitExceeded as exc:
        errors.append(exc)
    assert sandbox.run("json", "loads", "2", memory_mb=512, seconds=5, what="tệp c", owner="lanh.dao") == 2
    first.join()
    assert len(errors) == 1 and "can.bo" in errors[0].message and "nhiều thẻ" in errors[0].hint
    assert sandbox.run("json", "loads", "3", memory_mb=512, seconds=5, what="tệp d", owner="can.bo") == 3
