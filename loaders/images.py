"""Chart images on the server: plotly figures to PNG, SVG and PDF with kaleido 1.x and the
system's Chromium (Debian's `chromium` package; docs/architecture.md, "Stack facts").

A browser is never downloaded (no kaleido.get_chrome, no plotly_get_chrome): where none is found,
`available()` is False and `render` raises `NoBrowser` with a Vietnamese message, so the callers
can say so and carry on without images.

One Chromium is started on first use and kept warm for the life of the process (the first image
takes a few seconds, later ones a fraction of a second). It is kaleido's own `Kaleido` browser,
run on an event loop in a daemon thread, like `kaleido.start_sync_server()`; unlike that server,
each call waits with a time limit, so a browser that fails to start or hangs gives an error
instead of blocking a page or a command for ever."""
from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from indicators.errors import AppError

FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
START_TIMEOUT_S = 60.0  # Chromium's first start on a slow machine
RENDER_TIMEOUT_S = 60.0
TABS = 1  # browser tabs (each one loads plotly.js when Chromium starts)
RELOAD_EVERY = 25  # images between two reloads of a tab
_RELOADS: set = set()  # background tab reloads (kept referenced until done)
# Where Debian, Ubuntu and most distributions put a Chromium-based browser.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_BROWSER_HINT = ("Cài trình duyệt Chromium của hệ điều hành trên máy chủ (Debian/Ubuntu: "
                   "`apt-get install chromium fonts-noto-core`), hoặc đặt biến môi trường INDICATORS_CHROMIUM "
                   "là đường dẫn tới trình duyệt, rồi khởi động lại ứng dụng.")


class NoBrowser(AppError):
    """No Chromium on this machine: chart images cannot be made (everything else still works)."""


class RenderFailed(AppError):
    """Chromium is there but did not produce the image."""


def chromium_path() -> str | None:
    """The Chromium to use: $INDICATORS_CHROMIUM, else $BROWSER_PATH (kaleido's own variable),
    else the first of CANDIDATES on PATH. None when there is none. Never downloads one."""
    for var in ("INDICATORS_CHROMIUM", "BROWSER_PATH"):
        value = os.environ.get(var)
        if value:
            return value if os.path.isfile(value) and os.access(value, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    return chromium_path() is not None


def no_browser_message() -> str:
    """What the export controls say when there is no Chromium (Vietnamese)."""
    return ("Không tìm thấy trình duyệt Chromium trên máy chủ nên chưa xuất được hình biểu đồ (PNG, SVG, PDF). "
            "Các tệp Excel, Word và PowerPoint vẫn xuất được; chỗ biểu đồ có ghi chú thay cho hình.")


class _Server:
    """One warm Kaleido (Chromium) on an asyncio loop in a daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._path: str | None = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> None:
        """Start Chromium if it is not running (blocks until it is ready)."""
        with self._lock:
            if self._kaleido is not None:
                return
            path = chromium_path()
            if path is None:
                raise NoBrowser("Không tìm thấy trình duyệt Chromium trên máy chủ nên không xuất được hình biểu đồ.",
                                NO_BROWSER_HINT)
            import kaleido  # imported here: pages and commands that make no image never load it

            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
            thread.start()

            class WarmKaleido(kaleido.Kaleido):
                """Kaleido reloads its tab after every image, before it hands the image back (plotly.js
                parsed again: 0,2 s or more). Here the tab goes straight back to work and is reloaded
                only every RELOAD_EVERY images (plotly.js draws each image in a fresh element, the
                reload only bounds the page's memory), in the background."""

                renders = 0

                async def _return_kaleido_tab(self, tab) -> None:
                    WarmKaleido.renders += 1
                    if WarmKaleido.renders % RELOAD_EVERY:
                        await self.tabs_ready.put(tab)
                        return
                    reload = asyncio.ensure_future(super()._return_kaleido_tab(tab))
                    _RELOADS.add(reload)
                    reload.add_done_callback(_RELOADS.discard)

            async def open_browser():
                # mathjax=False: no formulas in our charts, and no network (kaleido would fetch MathJax)
                k = WarmKaleido(n=TABS, path=path, mathjax=False, timeout=RENDER_TIMEOUT_S)
                await k.open()
                return k

            try:
                k = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
            except FutureTimeout:
                loop.call_soon_threadsafe(loop.stop)
                raise RenderFailed(f"Trình duyệt {path} không khởi động được trong {START_TIMEOUT_S:.0f} giây.",
                                   NO_BROWSER_HINT) from None
            except Exception as exc:  # noqa: BLE001 - any start failure is told, never a traceback
                loop.call_soon_threadsafe(loop.stop)
                raise RenderFailed(f"Không khởi động được trình duyệt {path} để vẽ biểu đồ: {type(exc).__name__}: {exc}",
                                   NO_BROWSER_HINT) from None
            self._loop, self._thread, self._path = loop, thread, path
            self._kaleido = k  # last: `running` is true only once everything is in place

    def stop(self) -> None:
        with self._lock:
            if self._kaleido is None:
                return
            k, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
            except Exception:  # noqa: BLE001 - closing a browser that already died
                pass
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        self.start()
        k, loop = self._kaleido, self._loop
        if k is None or loop is None:  # stopped by another thread meanwhile
            raise RenderFailed("Trình duyệt vẽ biểu đồ vừa bị dừng.", "Thử lại.")
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(fig_dict, opts=opts), loop)
        try:
            return future.result(RENDER_TIMEOUT_S + 5)
        except FutureTimeout:
            future.cancel()
            self.stop()  # a hung browser: the next call starts a fresh one
            raise RenderFailed(f"Trình duyệt không vẽ xong biểu đồ trong {RENDER_TIMEOUT_S:.0f} giây.",
                               "Thử lại; nếu vẫn lỗi, khởi động lại ứng dụng.") from None
        except Exception as exc:  # noqa: BLE001
            self.stop()  # a browser that failed once is replaced: the next call starts a fresh one
            raise RenderFailed(f"Không vẽ được biểu đồ: {type(exc).__name__}: {exc}",
                               "Thử lại; nếu vẫn lỗi, khởi động lại ứng dụng.") from None


_SERVER = _Server()
atexit.register(_SERVER.stop)


def warm(block: bool = False) -> None:
    """Start Chromium ahead of the first image (in the background unless `block`); a no-op
    without Chromium or when it is running already."""
    if _SERVER.running or not available():
        return
    if block:
        _SERVER.start()
        return

    def start_quietly():
        try:
            _SERVER.start()
        except AppError:
            pass  # told to the person at the first real image

    threading.Thread(target=start_quietly, name="kaleido-warm", daemon=True).start()


def stop() -> None:
    """Close the warm Chromium (tests, benchmarks); the next image starts a new one."""
    _SERVER.stop()


def render(fig, fmt: str = "png", *, width: int = 1000, height: int | None = None, scale: float = 1.6) -> bytes:
    """A plotly figure as PNG, SVG or PDF bytes. Width and height are layout pixels; a PNG is
    width × scale pixels wide (1000 × 1,6 = 1600 by default)."""
    if fmt not in FORMATS:
        raise ValueError(f"định dạng hình {fmt!r} không hỗ trợ (chỉ {', '.join(FORMATS)})")
    fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    layout = fig_dict.get("layout", {})
    opts = {"format": fmt, "width": int(layout.get("width") or width),
            "height": int(height or layout.get("height") or 600), "scale": scale}
    return _SERVER.render(fig_dict, opts)
