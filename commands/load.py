"""A bounded load test (issue 17, item 6): concurrent sessions against running app servers, spoken
in Streamlit's own websocket protocol (what a browser tab sends: one BackMsg asking to run a page,
then the ForwardMsgs until the run has finished), all on 127.0.0.1.

Each session opens its websocket on one of the servers (round robin, as a load balancer with
session affinity would place tabs), then visits the pages in turn, `rounds` times: a page's time
is from the request to run it to the server's "script finished". An error is a refused connection,
a page not found, an exception drawn on the page, or no answer within `timeout_s`. Reading is
open (demo database, admin setting), so no sign-in is needed.

Run: `make bench` (commands/bench.py prints the table), or
`python -m commands.load [SESSIONS…]` for 1, 10 and 30 sessions against one demo server."""
from __future__ import annotations

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# (page name as in its URL, query string): what a reader opens, heaviest pages included
PAGES = [
    ("", "ke-hoach=son-la-2026&ky=2026-H1"),
    ("chi-tieu-can-chu-y", "ke-hoach=son-la-2026&ky=2026-H1"),
    ("theo-co-quan", "ke-hoach=son-la-2026&ky=2026-H1"),
    ("chi-tiet-chi-tieu", "ke-hoach=son-la-2026&ky=2026-H1&ma=3"),
    ("tinh-hinh-bao-cao", "ke-hoach=son-la-2026&ky=2026-H1"),
    ("danh-muc", "ke-hoach=son-la-2026"),
]


@dataclass
class Result:
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        t = sorted(self.times_ms)
        p95 = t[min(len(t) - 1, int(round(0.95 * (len(t) - 1))))] if t else float("nan")
        return {"pages": len(t), "median_ms": statistics.median(t) if t else float("nan"), "p95_ms": p95,
                "errors": len(self.errors), "pages_per_s": len(t) / self.seconds if self.seconds else 0.0}


async def _run_page(ws, page: str, query: str, timeout_s: float) -> str | None:
    """Ask for one run of `page`; wait for its end. Returns an error text or None."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    await ws.send(msg.SerializeToString())
    error, drawn = None, 0
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return f"{page or 'tong-quan'}: không xong sau {timeout_s:g} s"
        data = await asyncio.wait_for(ws.recv(), timeout=left)
        fwd = ForwardMsg()
        fwd.ParseFromString(data)
        kind = fwd.WhichOneof("type")
        if kind == "page_not_found":
            error = f"{page}: không có trang"
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            drawn += 1
            if fwd.delta.new_element.WhichOneof("type") == "exception":
                error = f"{page or 'tong-quan'}: lỗi khi chạy trang: {fwd.delta.new_element.exception.message[:120]}"
        elif kind == "script_finished":
            return error or (None if drawn else f"{page or 'tong-quan'}: trang trống")


async def _session(url: str, rounds: int, timeout_s: float, result: Result, offset: int) -> None:
    import websockets

    parts = urlsplit(url)
    ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=f"http://{parts.netloc}",
                                      max_size=64 * 1024 * 1024, open_timeout=timeout_s) as ws:
            for r in range(rounds):
                for i in range(len(PAGES)):
                    page, query = PAGES[(i + offset) % len(PAGES)]
                    start = time.perf_counter()
                    error = await _run_page(ws, page, query, timeout_s)
                    if error:
                        result.errors.append(error)
                    else:
                        result.times_ms.append((time.perf_counter() - start) * 1000)
    except Exception as exc:  # noqa: BLE001 - a refused or broken connection is an error of the run
        result.errors.append(f"kết nối: {type(exc).__name__}: {exc}"[:200])


def run(urls: list[str], sessions: int, *, rounds: int = 2, timeout_s: float = 60.0) -> Result:
    """`sessions` concurrent sessions spread over `urls`, each visiting every page `rounds` times."""
    result = Result()

    async def main():
        start = time.perf_counter()
        await asyncio.gather(*(_session(urls[i % len(urls)], rounds, timeout_s, result, i) for i in range(sessions)))
        result.seconds = time.perf_counter() - start

    asyncio.run(main())
    return result


def figures(levels=(1, 10, 30), rounds: int = 2) -> tuple[dict[str, float], list[str]]:
    """load_<n>_sessions_{median,p95}_ms / _errors / _pages_per_s against one server on the demo
    DuckDB file; then, when a throwaway PostgreSQL cluster can start here, the same demo database
    moved onto PostgreSQL behind one server (load_pg1_…) and behind two (load_pg2_…, sessions placed
    round robin as a load balancer with session affinity does). Returns the figures and the table
    `make bench` prints."""
    import tempfile
    from contextlib import ExitStack
    from pathlib import Path

    from commands import pg_cluster
    from commands.bench_browser import demo_db
    from commands.scale import serve_app
    from indicators.store import Store

    out, rows = {}, []

    def measure(urls: list[str], label: str, prefix: str) -> None:
        run(urls, len(urls), rounds=1)  # warm-up: every server's caches
        for n in levels:
            s = run(urls, n, rounds=rounds).summary()
            rows.append((label, n, s))
            out.update({f"{prefix}{n}_sessions_{k}": v for k, v in s.items() if k != "pages"})

    with tempfile.TemporaryDirectory() as tmp:
        db = demo_db(Path(tmp))
        with serve_app(db, Path(tmp) / "load.log") as url:
            measure([url], "1 (DuckDB, demo)", "load_")
        if pg_cluster.unavailable() is None:
            with pg_cluster.cluster() as server:
                with Store(db) as source, Store(server.url()) as target:
                    source.copy_to(target)
                with serve_app(server.url(), Path(tmp) / "pg1.log") as url:
                    measure([url], "1 (PostgreSQL, demo)", "load_pg1_")
                with ExitStack() as stack:
                    urls = [stack.enter_context(serve_app(server.url(), Path(tmp) / f"pg2-{i}.log")) for i in (1, 2)]
                    measure(urls, "2 (PostgreSQL, demo)", "load_pg2_")
    return out, table(rows)


def table(rows: list[tuple[str, int, dict]]) -> list[str]:
    """One line per (servers, sessions): pages, median and 95th percentile, errors, throughput."""
    from indicators import fmt

    lines = [f"  {'máy chủ':24} {'phiên':>5} {'lượt trang':>10} {'trung vị':>10} {'P95':>10} {'lỗi':>5} {'trang/s':>8}"]
    for label, n, s in rows:
        lines.append(f"  {label:24} {n:>5} {s['pages']:>10} {fmt.num(s['median_ms'], 0) + ' ms':>10} "
                     f"{fmt.num(s['p95_ms'], 0) + ' ms':>10} {s['errors']:>5} {fmt.num(s['pages_per_s'], 1):>8}")
    return lines


if __name__ == "__main__":
    print("\n".join(figures([int(a) for a in sys.argv[1:]] or [1, 10, 30])[1]))
