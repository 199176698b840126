"""Fill a report template in LibreOffice Calc the way an official does, then save it.

Run by a Python that can `import uno` (Debian: /usr/bin/python3 with python3-uno; the project's
venv cannot), as a separate process of tests/test_libreoffice.py; never imported by the suite.

    /usr/bin/python3 tests/libreoffice_fill.py SPEC.json

SPEC.json: {"soffice": "/usr/bin/soffice", "template": "….xlsx", "locale": "vi-VN", "work": "dir",
"sheet": "Báo cáo", "steps": [{"cell": "E9", "keys": "98,6"}, {"cell": "E12", "choose": "Đã thực hiện"}],
"read": ["E9", …], "save": [["Calc MS Excel 2007 XML", "out.xlsx"], ["calc8", "out.ods"]],
"seconds": 90}

What it does: a LibreOffice of its own (headless, a fresh profile under `work` whose locale setting
— Tools > Options > Language Settings > Locale setting — is `locale`, listening on a private pipe),
opens the template as a visible document, and drives it through LibreOffice's UI-test interface
(org.libreoffice.uitest.UITest, what LibreOffice's own uitests use): it selects each cell and types
the keys into the sheet window followed by Enter, so LibreOffice parses them in that locale and
checks them against the template's data validation exactly as for a person; a `choose` step opens
the cell's validation dropdown, lists its entries and double-clicks the chosen one. Then it reads
the cells back through the sheet API and stores the document with each filter. It prints one JSON
object on standard output: the cells ({"type", "value", "string"}), the dropdown entries it saw,
the locale setting in force and the timings.

LibreOffice is stopped in every case: terminate() over UNO, then its whole process group is
killed; a watchdog kills it when `seconds` pass (a hung call then fails instead of waiting forever).
Its process id is written to `work`/soffice.pid at start, so the caller can kill it should this
process itself be killed. Exit status 0: done; 2: bad usage; 3: LibreOffice failed (message on
standard error).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

try:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
except ImportError:  # the caller checks this first; say it plainly anyway
    print("Python này không có mô-đun uno (Debian: apt-get install python3-uno).", file=sys.stderr)
    sys.exit(2)

REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class Failed(Exception):
    """LibreOffice did not do what was asked; the message says what."""


def props(**values) -> tuple:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def state(ui_object) -> dict:
    return {p.Name: p.Value for p in ui_object.getState()}


def until(deadline: float, what: str, attempt):
    """attempt() until it returns something other than None, retrying on any UNO error, until deadline."""
    last = None
    while time.monotonic() < deadline:
        try:
            got = attempt()
            if got is not None:
                return got
        except Exception as exc:  # noqa: BLE001 - a UNO error while LibreOffice is still busy: try again
            last = exc
        time.sleep(0.1)
    raise Failed(f"LibreOffice: hết giờ khi chờ {what}" + (f" ({last})" if last else ""))


class Office:
    """A private headless LibreOffice: started with its own profile and pipe, always stopped."""

    def __init__(self, soffice: str, work: Path, locale: str, seconds: float):
        self.work, self.seconds, self.deadline = work, seconds, time.monotonic() + seconds
        profile = work / "profile"
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY.format(locale=locale), encoding="utf-8")
        self.pipe = "kiem-thu-" + uuid.uuid4().hex
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")  # the profile's setting decides, not this machine
        env.pop("DISPLAY", None)
        self.proc = subprocess.Popen(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--nologo", "--norestore",
             "--nolockcheck", "--nodefault", f"--accept=pipe,name={self.pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True)  # its own process group: soffice, oosplash and soffice.bin die together
        (work / "soffice.pid").write_text(str(self.proc.pid))
        self.timed_out = False
        self.watchdog = threading.Timer(max(1.0, self.deadline - time.monotonic()), self.expire)
        self.watchdog.daemon = True
        self.watchdog.start()
        self.ctx = self.desktop = None

    def connect(self):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        while True:  # a slow machine takes seconds to create the profile and open the pipe
            try:
                self.ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if self.proc.poll() is not None:
                    raise Failed(self.gone() + " trước khi mở kết nối UNO.") from None
                if time.monotonic() > self.deadline:
                    raise Failed("LibreOffice không mở kết nối UNO trước khi hết giờ.") from None
                time.sleep(0.2)
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        return self

    def service(self, name: str):
        made = self.smgr.createInstanceWithContext(name, self.ctx)
        if made is None:
            raise Failed(f"LibreOffice này không có dịch vụ {name}.")
        return made

    def setting(self, node: str, name: str):
        provider = self.service("com.sun.star.configuration.ConfigurationProvider")
        access = provider.createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess",
                                                      props(nodepath=node))
        return access.getByName(name)

    def expire(self) -> None:
        self.timed_out = True
        self.kill()

    def gone(self) -> str:
        """Why LibreOffice is no longer there, in words."""
        if self.timed_out:
            return f"LibreOffice bị dừng vì hết giờ ({self.seconds:g} s)"
        return f"LibreOffice đã dừng (mã {self.proc.returncode})"

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self) -> None:
        self.watchdog.cancel()
        if self.desktop is not None and self.proc.poll() is None:
            try:
                self.desktop.terminate()
            except Exception:  # noqa: BLE001 - the bridge closes as LibreOffice exits
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.kill()  # whatever is left of the group (oosplash, soffice.bin)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def fill(spec: dict) -> dict:
    t0 = time.monotonic()
    timings: dict[str, float] = {}

    def mark(name: str) -> None:
        timings[name] = round(time.monotonic() - t0, 2)

    work = Path(spec["work"])
    work.mkdir(parents=True, exist_ok=True)
    office = Office(spec["soffice"], work, spec["locale"], float(spec.get("seconds", 90)))
    try:
        office.connect()
        mark("connected")
        locale_setting = office.setting("/org.openoffice.Setup/L10N", "ooSetupSystemLocale")
        doc = office.desktop.loadComponentFromURL(Path(spec["template"]).resolve().as_uri(), "_blank", 0, props())
        if doc is None or not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            raise Failed("LibreOffice không mở được biểu mẫu như một bảng tính.")
        mark("opened")
        ui = office.service("org.libreoffice.uitest.UITest")
        grid = until(office.deadline, "cửa sổ bảng tính",
                     lambda: ui.getTopFocusWindow().getChild("grid_window"))
        sheets = doc.getSheets()
        if spec.get("sheet"):
            doc.getCurrentController().setActiveSheet(sheets.getByName(spec["sheet"]))
        sheet = doc.getCurrentController().getActiveSheet()
        lists: dict[str, list[str]] = {}
        for step in spec["steps"]:
            cell = step["cell"]
            if "keys" in step:  # select the cell, type, Enter: LibreOffice parses and validates as for a person
                grid.executeAction("SELECT", props(CELL=cell))
                grid.executeAction("TYPE", props(TEXT=step["keys"]))
                grid.executeAction("TYPE", props(KEYCODE="RETURN"))
            elif "choose" in step:  # open the validation dropdown (Alt+Down's list) and double-click an entry
                address = sheet.getCellRangeByName(cell).getCellAddress()
                grid.executeAction("SELECT", props(CELL=cell))
                grid.executeAction("LAUNCH", props(SELECTMENU="", COL=str(address.Column), ROW=str(address.Row)))
                listbox = until(office.deadline, f"danh sách chọn của ô {cell}",
                                lambda: ui.getTopFocusWindow().getChild("list"))
                entries = {state(listbox.getChild(k))["Text"]: k for k in listbox.getChildren()}
                lists[cell] = list(entries)
                if step["choose"] not in entries:
                    raise Failed(f"Danh sách chọn của ô {cell} không có \"{step['choose']}\": {list(entries)}")
                listbox.getChild(entries[step["choose"]]).executeAction("DOUBLECLICK", props())
            else:
                raise Failed(f"Bước không rõ: {step}")
        mark("filled")
        kinds = {"EMPTY": "empty", "VALUE": "value", "TEXT": "text", "FORMULA": "formula"}
        cells = {}
        for ref in spec.get("read", []):
            c = sheet.getCellRangeByName(ref)
            cells[ref] = {"type": kinds.get(c.getType().value, c.getType().value), "value": c.getValue(),
                          "string": c.getString()}
        for filter_name, path in spec["save"]:
            doc.storeToURL(Path(path).resolve().as_uri(), props(FilterName=filter_name, Overwrite=True))
        mark("saved")
        doc.close(True)
    except Failed as exc:
        if office.timed_out and not str(exc).startswith(office.gone()):
            raise Failed(f"{office.gone()}: {exc}") from exc
        raise
    except Exception as exc:  # noqa: BLE001 - a UNO error: say where it happened, in words
        if office.proc.poll() is not None:
            raise Failed(f"{office.gone()} giữa chừng: {type(exc).__name__}: {exc}") from exc
        raise Failed(f"LibreOffice báo lỗi: {type(exc).__name__}: {exc}") from exc
    finally:
        office.stop()
        mark("stopped")
    return {"locale_setting": locale_setting, "cells": cells, "lists": lists, "timings": timings,
            "soffice_exit": office.proc.returncode}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))  # the caller's timeout: still stop LibreOffice
    try:
        result = fill(spec)
    except Failed as exc:
        print(str(exc), file=sys.stderr)
        return 3
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
