"""Command line: `python -m indicators …` (docs/cli.md). Vietnamese output; typed errors are
translated here, so no traceback reaches a user. Exit 0 success, 1 refused, 2 usage error."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

from indicators import fmt, periods, pg, progress, status
from indicators.errors import AppError, InputRefused, UsageError
from indicators.settings import PAGE_BUDGET_MS, database

_VI = {
    "usage: ": "Cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không hợp lệ (chọn một trong %(choices)s)",
    "expected one argument": "cần đúng một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
}
argparse._ = lambda s: _VI.get(s, s)  # argparse looks `_` up at call time: its own texts in Vietnamese


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 with a Vietnamese message and a hint
        self.print_usage(sys.stderr)
        sub = " ".join(self.prog.split()[3:])  # "python -m indicators users add" -> "users add"
        sys.stderr.write(f"Lỗi: {message}\nXem hướng dẫn: python -m indicators {sub + ' ' if sub else ''}--help\n")
        sys.exit(2)


class _Intermixed(_Parser):
    """Options and positional names in any order (`units add PLAN --agency NAME TÊN …`, as the README
    writes it): plain argparse stops filling a `nargs="*"` list once an option comes between."""

    _mixing = False

    def parse_known_args(self, args=None, namespace=None):
        if self._mixing:  # parse_known_intermixed_args calls back here
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def _open(args, *, migrate: bool = False):
    from indicators.store import Store  # imported lazily: `--help` needs no database

    path = database(args.db)  # a DuckDB file, or a postgresql://… address (checked by pg.Database)
    if not migrate and isinstance(path, Path) and not path.exists():  # a mistyped --db must leave nothing behind
        raise UsageError(f"Chưa có cơ sở dữ liệu {path}.",
                         "Kiểm tra đường dẫn --db, hoặc chạy `python -m indicators init` (thêm --demo để có dữ liệu minh họa).")
    store = Store(path)
    if migrate:
        store.migrate()
    elif store.schema_version() == 0:
        store.close()
        raise UsageError(f"Cơ sở dữ liệu {store.path} chưa được khởi tạo.",
                         "Chạy `python -m indicators init` (thêm --demo để có dữ liệu minh họa).")
    else:
        store.migrate()  # forward migrations are safe and idempotent
    return store


def _os_reason(exc: OSError) -> str:
    import errno

    return {errno.ENOENT: "không tồn tại", errno.EACCES: "không có quyền", errno.EISDIR: "là một thư mục",
            errno.ENOTDIR: "không phải thư mục", errno.ENOSPC: "hết chỗ trên đĩa",
            errno.EROFS: "chỉ đọc"}.get(exc.errno, f"lỗi hệ thống số {exc.errno}")


def _print_json(data) -> None:
    def default(o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        raise TypeError(type(o))
    print(json.dumps(data, ensure_ascii=False, indent=2, default=default))


def _width() -> int:
    return min(shutil.get_terminal_size((120, 20)).columns, 160)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- commands ----------------------------------------------------------------------------------


def cmd_init(args) -> int:
    from indicators import demo
    from loaders.catalogue import load_catalogue, load_registry

    registry = load_registry()
    plans = load_catalogue(registry=registry)  # validated before the database is touched
    with _open(args, migrate=True) as store:
        result = store.load_catalogue(plans, registry=registry)  # every check first, then registry and plans
        print(f"Cơ sở dữ liệu: {store.path} (lược đồ phiên bản {store.schema_version()})")
        word = {"new": "mới nạp", "updated": "đã cập nhật", "unchanged": "không đổi"}
        for slug, what in result.items():
            print(f"  {slug}: {word[what]} ({len(store.targets(slug))} chỉ tiêu đo lường được)")
        from indicators import accounts

        password = _read_password() if args.admin_password_stdin else None
        created, generated = accounts.ensure_admin(store, args.admin, password)
        if created and generated:
            print(f"Đã tạo tài khoản quản trị \"{args.admin}\" với mật khẩu: {generated}")
            print("  Mật khẩu chỉ hiện MỘT lần này: ghi lại, đăng nhập rồi đổi mật khẩu.")
        elif created:
            print(f"Đã tạo tài khoản quản trị \"{args.admin}\" với mật khẩu đọc từ đầu vào chuẩn.")
        if args.demo:
            counts = demo.load_demo(store)
            print(f"Đã thêm dữ liệu minh họa ({fmt.DEMO_MARK}): {counts['submissions']} báo cáo, {counts['values']} giá trị."
                  if counts["submissions"] else "Dữ liệu minh họa đã có sẵn, không thêm lần nữa.")
    return 0


def _read_password() -> str:
    """A password from standard input (first line), never from the command line (shell history)."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError("Không đọc được mật khẩu từ đầu vào chuẩn.",
                         "Ví dụ: echo 'cụm-vài-từ-dễ-nhớ-ít-nhất-12-ký-tự' | python -m indicators users add ... --password-stdin")
    return line


def cmd_users(args) -> int:
    from indicators import accounts
    from indicators.settings import ROLE_LABEL

    actor = _operator()
    with _open(args) as store:
        if args.action == "add":
            if args.agency and not args.plan:
                raise UsageError("--agency cần đi cùng --plan (cơ quan thuộc kế hoạch nào).",
                                 "Ví dụ: --plan son-la-2026 --agency \"Sở Y tế\"")
            if args.role == "staff" and not args.agency:
                raise UsageError("Cán bộ báo cáo cần được giao ít nhất một cơ quan.", "Thêm --plan SLUG --agency \"TÊN CƠ QUAN\".")
            if not args.password_stdin:
                raise UsageError("Thiếu --password-stdin: mật khẩu được đọc từ đầu vào chuẩn, không ghi trên dòng lệnh.")
            user = accounts.create(store, args.name, args.role, _read_password(), actor=actor,
                                   display_name=args.display_name or "",
                                   agencies=[(args.plan, a) for a in args.agency or []])
            print(f"Đã tạo tài khoản {user.name}: {ROLE_LABEL[user.role]}"
                  + (f", báo cáo cho: {'; '.join(a for _, a in sorted(user.agencies))}" if user.agencies else ""))
        elif args.action == "list":
            users = store.users()
            if args.json:
                _print_json([{k: v for k, v in u.items() if k != "password_hash"} for u in users])
                return 0
            for u in users:
                state = "ĐÃ KHÓA" if u["disabled"] else "hoạt động"
                where = "; ".join(f"{a} ({p})" for p, a in u["agencies"]) or "—"
                print(f"{u['name']:20} {ROLE_LABEL[u['role']]:16} {state:10} {where}")
            if not users:
                print("Chưa có tài khoản nào. Tạo bằng: python -m indicators users add TÊN --role admin --password-stdin")
        elif args.action == "disable":
            accounts.disable(store, args.name, actor=actor)
            print(f"Đã khóa tài khoản {args.name}: không đăng nhập, không nộp báo cáo được nữa, các phiên đang mở kết thúc "
                  "(lịch sử giữ nguyên).")
        elif args.action == "enable":
            accounts.disable(store, args.name, actor=actor, disabled=False)
            print(f"Đã mở lại tài khoản {args.name}.")
        elif args.action == "password":
            accounts.set_password(store, args.name, _read_password(), actor=actor)
            print(f"Đã đặt lại mật khẩu cho {args.name}; các phiên đang đăng nhập của tài khoản này trên bảng điều khiển "
                  "kết thúc ở thao tác tiếp theo.")
    return 0


def _operator() -> str:
    """Who acts when the command line is run on the server itself (recorded in the audit trail)."""
    import getpass

    from indicators import accounts

    return accounts.operator(getpass.getuser())


def cmd_backup(args) -> int:
    with _open(args) as store:
        manifest = store.backup(Path(args.dir), actor=_operator())
    total = sum(manifest["tables"].values())
    print(f"Đã sao lưu {len(manifest['tables'])} bảng, {fmt.num(total)} dòng vào {args.dir} (Parquet + manifest.json).")
    return 0


def cmd_restore(args) -> int:
    with _open(args) as store:
        manifest = store.restore(Path(args.dir), actor=_operator())
    total = sum(manifest["tables"].values())
    print(f"Đã khôi phục {fmt.num(total)} dòng từ bản sao lưu lúc {manifest['created_at']} ({args.dir}).")
    return 0


def cmd_migrate(args) -> int:
    """Moving house (issue 17): every table of --db copied into --to, a database of either kind
    holding no rows yet, counted and checksummed on both sides before the copy commits."""
    from indicators.store import Store

    if not args.to.strip():  # an unset shell variable: never fall back to INDICATORS_DB or the default file
        raise UsageError("Đích --to trống.", "Ghi địa chỉ postgresql://… hoặc đường dẫn một tệp DuckDB mới.")
    target = database(args.to)
    source = database(args.db)
    if str(target) == str(source) or (isinstance(target, Path) and isinstance(source, Path)
                                       and target.resolve() == source.resolve()):
        shown = source if isinstance(source, Path) else pg.where(source)  # never the password
        raise UsageError(f"Đích --to trùng với cơ sở dữ liệu nguồn ({shown}).",
                         "Chọn một cơ sở dữ liệu khác làm đích (PostgreSQL: postgresql://…; DuckDB: một tệp mới).")
    created = isinstance(target, Path) and not target.exists()
    if isinstance(target, Path) and target.is_dir():
        raise UsageError(f"Đích --to {target} là một thư mục.", "Ghi tên tệp DuckDB mới, ví dụ du-lieu.duckdb.")
    with _open(args) as store:
        try:
            with Store(target) as into:
                summary = store.copy_to(into)
                where = into.path
        except BaseException:
            if created:  # a file this command made for a copy that did not happen
                target.unlink(missing_ok=True)
                Path(str(target) + ".wal").unlink(missing_ok=True)
            raise
    total = sum(s["rows"] for s in summary.values())
    print(f"Đã chép {len(summary)} bảng, {fmt.num(total)} dòng từ {store.path} sang {where}; "
          "số dòng và tổng kiểm (SHA-256) của từng bảng khớp ở hai nơi:")
    for table, s in summary.items():
        print(f"  {table:<18} {fmt.num(s['rows']):>10} dòng  {s['checksum'][:16]}")
    print("Cơ sở dữ liệu nguồn giữ nguyên. Bản chép là dữ liệu lúc chép: dừng mọi máy chủ ứng dụng trước khi chuyển (số "
          "liệu ghi vào nguồn sau lúc này không có ở đích), rồi trỏ INDICATORS_DB sang đích và khởi động lại.")
    return 0


def cmd_demo(args) -> int:
    from indicators import demo

    with _open(args) as store:
        if args.remove:
            counts = store.remove_demo()
            print(f"Đã xóa dữ liệu minh họa: {counts['actuals']} giá trị, {counts['submissions']} báo cáo, "
                  f"{counts['audit']} dòng nhật ký. Số liệu thật không bị động đến.")
        else:
            counts = demo.load_demo(store)
            print(f"Đã thêm dữ liệu minh họa: {counts['submissions']} báo cáo, {counts['values']} giá trị.")
    return 0


def _plan_json(plan) -> dict:
    return {
        "slug": plan.slug, "title": plan.title, "issuer": plan.issuer, "level": plan.level,
        "province": plan.province, "year": plan.start_year, "start_year": plan.start_year, "end_year": plan.end_year, "doc_number": plan.doc_number, "doc_date": plan.doc_date,
        "implements": plan.implements, "standing_agency": plan.standing_agency,
        "goal_groups": [g.model_dump() for g in plan.goal_groups],
        "agencies": plan.all_agencies(),
        "periods": [{"code": p.code, "label": periods.label(p.code),
                     "deadline": p.deadline.isoformat() if p.deadline else None,
                     "recipient": p.recipient,
                     "compile_deadline": p.compile_deadline.isoformat() if p.compile_deadline else None}
                    for p in plan.periods],
        "baseline_period": plan.baseline_period,
        "measurable_targets": len(plan.measurable_targets()),
    }


def cmd_plans(args) -> int:
    with _open(args) as store:
        plans = store.plans()
        if args.json:
            _print_json([_plan_json(p) for p in plans])
            return 0
        for p in plans:
            print(f"{p.slug}  —  {p.title}")
            print(f"    {p.issuer} ({fmt.level_label(p.level)}), {p.span_label}; cơ quan thường trực: {p.standing_agency}; "
                  f"{len(p.measurable_targets())} chỉ tiêu")
            for per in p.periods:
                print(f"    kỳ {per.code:8} {periods.label(per.code):22} hạn {fmt.day(per.deadline)}"
                      f"{'  gửi ' + per.recipient if per.recipient else ''}")
            print()
    return 0


def _target_json(t) -> dict:
    return {
        "code": t.code, "text": t.text, "parent": t.parent, "parent_text": t.parent_text, "group": t.group,
        "unit": t.unit, "comparator": t.comparator, "target": t.target, "aspiration": t.aspiration,
        "baseline": t.baseline, "baseline_year": t.baseline_year, "target_year": t.target_year,
        "of": t.of, "kind": t.kind, "due": t.due.isoformat() if t.due else None,
        "lead_agency": t.lead_agency, "agencies": t.agencies, "category": t.category,
        "milestones": [{"year": m.year, "comparator": m.comparator, "target": m.target, "aspiration": m.aspiration}
                       for m in t.milestones],
        "needs_review": bool(t.review), "review_reasons": t.review,
        "indicator": t.indicator,
        "categories": [c.model_dump() for c in t.categories],
    }


def cmd_targets(args) -> int:
    with _open(args) as store:
        targets = store.targets(args.plan)
        if args.json:
            _print_json([_target_json(t) for t in targets])
            return 0
        plan = store.plan(args.plan)
        print(f"{plan.title} — {plan.issuer} ({len(targets)} chỉ tiêu đo lường được)")
        text_w = max(30, _width() - 62)
        print(f"{'Mã':5} {'Chỉ tiêu':18} {'Loại':14} {'Cơ quan chủ trì':22} Nội dung")
        for t in targets:
            print(f"{t.code:5} {_cut(fmt.goal(t), 18):18} {fmt.KIND_SHORT[t.kind]:14} {_cut(t.lead_agency, 22):22} {_cut(t.text, text_w)}")
    return 0


def cmd_status(args) -> int:
    with _open(args) as store:
        result = progress.plan_progress(store, args.plan, args.period)
        if args.json:
            _print_json(result.as_dict())
            return 0
        plan = result.plan
        print(f"{plan.title} — kỳ {periods.label(args.period)} — {result.approval.describe()}")
        if result.has_demo:
            print(f"*** {fmt.DEMO_NOTE} ***")
        counts = result.counts()
        print("  ".join(f"{status.LABEL[s]}: {counts[s]}" for s in status.STATUSES))
        print()
        width = _width()
        for r in result.rows:
            t = r.target
            actual = fmt.actual(r.figure.text if t.kind == "milestone" else r.figure.value, t.unit)
            print(f"{t.code:5} {status.display(r.status):20} {actual:>16}  {_cut(fmt.goal(t), 24):24} {_cut(t.lead_agency, 28)}")
            if args.explain or r.status in status.BEHIND:
                for line in textwrap.wrap(r.judgement.explanation, width - 10):
                    print(f"        {line}")
    return 0


def cmd_template(args) -> int:
    from loaders.templates import template_for

    units = None
    if args.units:
        try:
            units = Path(args.units).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"Không đọc được danh sách đơn vị {args.units}: {exc}.",
                             "Tệp văn bản UTF-8, mỗi dòng một tên đơn vị.") from None
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"Tên tệp ra \"{out}\" phải có đuôi .xlsx.")
    with _open(args) as store:
        name, data = template_for(store, args.plan, args.agency, args.period, units)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"Không ghi được tệp {out}: {exc.strerror}.", "Kiểm tra thư mục và quyền ghi.") from None
    kind = f"Biểu tổng hợp ({len(units)} đơn vị)" if units else "Biểu mẫu báo cáo"
    print(f"{kind} đã lưu: {out} ({fmt.num(len(data) / 1024, 1)} KB). Gợi ý tên tệp: {name}")
    return 0


def cmd_units(args) -> int:
    from indicators import scopes

    with _open(args) as store:
        if args.action == "list":
            pairs = store.registered_units(args.plan, args.agency)
            plan = store.plan(args.plan)
            if args.json:
                _print_json({"plan": args.plan, "declared": plan.reporting_units,
                             "registered": [{"agency": a, "unit": u} for a, u in pairs]})
                return 0
            print(f"Kế hoạch {args.plan}: {len(plan.reporting_units)} đơn vị khai báo trong danh mục, "
                  f"{len(pairs)} đơn vị do quản trị đăng ký.")
            for a, u in pairs:
                print(f"  {a}: {u}")
            return 0
        actor = _operator()
        if args.action == "add":
            names = list(args.names)
            if args.file:
                try:
                    names += Path(args.file).read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError) as exc:
                    raise UsageError(f"Không đọc được danh sách đơn vị {args.file}: {exc}.",
                                     "Tệp văn bản UTF-8, mỗi dòng một tên đơn vị.") from None
                names = [n for n in names if n.strip()]
            if not names:
                raise UsageError("Chưa có tên đơn vị nào.", "Ghi tên đơn vị sau lệnh, hoặc --file TỆP (mỗi dòng một tên).")
            new = scopes.register_units(store, args.plan, args.agency, names, actor=actor)
            print(f"Đã đăng ký {len(new)} đơn vị mới cho {args.agency} ({len(names) - len(new)} đã có).")
            return 0
        if not store.unregister_unit(args.plan, args.agency, args.names[0] if args.names else "", actor=actor):
            raise UsageError(f"\"{args.names[0] if args.names else ''}\" chưa được đăng ký cho {args.agency}.",
                             f"Xem danh sách: python -m indicators units list {args.plan}")
        print("Đã bỏ đăng ký. Số liệu đơn vị này đã báo cáo vẫn được giữ trong lịch sử.")
        return 0


def cmd_import(args) -> int:
    import getpass

    from indicators import intake
    from loaders.workbooks import read_report

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Không đọc được tệp {path}: {exc.strerror}.", "Kiểm tra đường dẫn tệp.") from None
    # --as USER: the write is checked against that account (known, enabled, holding the agency);
    # without it the operator of this machine writes, recorded as such.
    writer = {"user": args.as_user} if args.as_user else {"operator": getpass.getuser()}
    with _open(args) as store:
        if args.as_user:
            from indicators import accounts
            accounts.active(store, args.as_user)  # unknown or disabled: refused before the file is read
        parsed = read_report(data, path.name, store)
        for w in parsed.warnings:
            print(f"Lưu ý: {w}")
        # raises InputRefused listing every problem, PeriodLocked for an approved period (exit 1)
        preview = intake.preview(store, parsed, restore_withdrawn=args.restore_withdrawn, **writer)
        ident = parsed.identity
        targets = {t.code: t for t in store.targets(ident.plan)}
        counts = preview.counts()
        print(f"Tệp {path.name}: kế hoạch {ident.plan}, {ident.agency}, kỳ {periods.label(ident.period)}")
        for c in preview.changes:
            unit = targets[c.code].unit
            who = (f" [{c.agency}]" if c.agency != ident.agency else "") + (f" (phân tổ {c.category})" if c.category else "")
            if c.kind == "changed":
                before, after = intake.describe_pair(c.old, c.new, unit)
                print(f"  {c.code:5}{who} thay đổi: {before} → {after}")
            elif c.kind == "new" or args.dry_run:
                print(f"  {c.code:5}{who} {intake.KIND_VI[c.kind]}: {intake.describe(c.new, unit)}")
        summary = f"{counts['new']} mới, {counts['changed']} thay đổi, {counts['unchanged']} không đổi, {parsed.blank} để trống"
        for h in preview.held:
            who = (f" [{h.agency}]" if h.agency != ident.agency else "") + (f" (phân tổ {h.category})" if h.category else "")
            print(f"  {h.code:5}{who} đã rút lại lúc {fmt.moment(h.at)} ({h.by}: {h.reason}); tệp đặt lại "
                  f"{intake.describe(h.new, targets[h.code].unit)}: " + ("sẽ ghi lại." if args.restore_withdrawn else
                                                                   "BỎ QUA (thêm --restore-withdrawn nếu thật sự muốn ghi lại)."))
        for w in preview.warnings:
            print(f"Cảnh báo: {w.where}: {w.message}")
        if preview.warnings and not args.accept_warnings:
            raise InputRefused(f"{len(preview.warnings)} số liệu bất thường cần xác nhận. Chưa ghi gì vào cơ sở dữ liệu.",
                               "Sửa các ô được nêu trong tệp rồi nhập lại; nếu số liệu đúng như vậy, chạy lại lệnh với "
                               "--accept-warnings (việc xác nhận được ghi vào nhật ký).")
        if args.dry_run:
            print(f"Xem trước (chưa ghi gì): {summary}.")
            return 0
        decisions = {w.key: "keep" for w in preview.warnings}
        sub_id, written = intake.commit(store, parsed, decisions=decisions, restore_withdrawn=args.restore_withdrawn,
                                        **writer)
        print(f"Đã ghi báo cáo số {sub_id}: {written['new']} mới, {written['changed']} thay đổi, "
              f"{written['unchanged']} không đổi, {parsed.blank} để trống"
              + (f", {written['held']} số liệu đã rút không ghi lại." if written["held"] else "."))
    return 0


def cmd_export(args) -> int:
    from loaders import exports, images

    out = Path(args.output)
    fmt_ = exports.check_format(args.format or out.suffix)
    if out.suffix.lower() != f".{fmt_}":
        raise UsageError(f"Tên tệp ra \"{out}\" phải có đuôi .{fmt_} cho định dạng {fmt_}.",
                         f"Ví dụ: -o {exports.file_name(fmt_, args.plan, args.period)}")
    if fmt_ in exports.IMAGE_FORMATS and not images.available():
        raise images.NoBrowser(images.no_browser_message(), images.NO_BROWSER_HINT)
    with _open(args) as store:
        briefing = exports.gather(store, args.plan, args.period)
    # the database is closed before the (slower) rendering: the dashboard may open it meanwhile
    data = exports.export(briefing, fmt_, args.chart)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"Không ghi được tệp {out}: {exc.strerror}.", "Kiểm tra thư mục và quyền ghi.") from None
    print(f"{exports.FORMAT_LABEL[fmt_]} đã lưu: {out} ({fmt.num(len(data) / 1024, 1)} KB) — "
          f"{briefing.plan.slug}, kỳ {briefing.period_label}, {briefing.data_date_text()}.")
    if briefing.demo:
        print(f"Lưu ý: tệp có {exports.WATERMARK} (kế hoạch này đang có dữ liệu minh họa).")
    if fmt_ in ("docx", "pptx") and not images.available():
        print(f"Lưu ý: {images.no_browser_message()}")
    return 0


def cmd_parse_plan(args) -> int:
    from loaders.plan_doc import read_plan

    proposal = read_plan(args.file)  # PlanDocError (exit 1) says what is wrong, where, and how to fix it
    if args.json:
        _print_json(proposal.as_json())
        return 0
    _print_proposal(proposal)
    return 0


def _print_proposal(proposal) -> None:
    from types import SimpleNamespace

    rows = proposal.rows()
    print(f"{proposal.title or '(chưa rõ tên kế hoạch)'}")
    print(f"  Tệp {proposal.source_file} — mã đề xuất: {proposal.slug}")
    span = (f"giai đoạn {proposal.start_year}–{proposal.last_year}" if proposal.last_year > proposal.start_year
            else f"năm {proposal.year}")
    print(f"  Cơ quan ban hành: {proposal.issuer or '—'} ({fmt.level_label(proposal.level)}), {span}")
    if proposal.implements:
        print(f"  Thực hiện: {_cut(proposal.implements, _width() - 14)}")
    print(f"  Cơ quan thường trực: {proposal.standing_agency or '—'}")
    for i, per in enumerate(proposal.periods):
        where = f" (dòng {per.line.number})" if per.line else ""
        extra = f"; tổng hợp trước {fmt.day(per.compile_deadline)}" if per.compile_deadline else ""
        print(f"  {'Kỳ báo cáo:' if i == 0 else '':12}{periods.label(per.code)} — hạn {fmt.day(per.deadline)}"
              f"{', gửi ' + per.recipient if per.recipient else ''}{extra}{where}")
    for code, title in proposal.goal_groups:
        print(f"  Nhóm mục tiêu {code}: {title}")
    flagged = [r for r in rows if r["needs_review"]]
    print(f"\n{len(rows)} chỉ tiêu đề xuất, {len(flagged)} cần xem lại:")
    text_w = max(30, _width() - 80)
    print(f"{'Mã':6} {'Chỉ tiêu':32} {'Loại':14} {'Cơ quan chủ trì':22} {'Dòng':>5}  Nội dung")
    for r in rows:
        if len(r["values"]) > 1:  # every stated year in order: "2025: ≥ 96%; 2030: ≥ 97,5%"
            goal = "; ".join(f"{v['year']}: {fmt.target_phrase(v['comparator'], v['target'], r['unit'])}" for v in r["values"])
            if r["baseline"] is not None:
                goal += f" (cơ sở {fmt.num(r['baseline'])} năm {r['baseline_year']})"
        else:
            goal = fmt.goal(SimpleNamespace(**r))
        if r.get("category"):
            goal = f"[{r['category']}] {goal}"
        mark = "?" if r["needs_review"] else " "
        print(f"{r['code']:5}{mark} {_cut(goal, 32):32} {fmt.KIND_SHORT[r['kind']]:14} {_cut(r['lead_agency'], 22):22} "
              f"{r['line']:>5}  {_cut(r['text'], text_w)}")
    if flagged:
        print("\nCần xem lại (đánh dấu ? ở trên):")
        for r in flagged:
            for line in textwrap.wrap(f"{r['code']} (dòng {r['line']}): " + "; ".join(r["review_reasons"]), _width() - 4):
                print(f"  {line}")
    if proposal.skipped:
        print("\nKhông lấy làm chỉ tiêu:")
        for s in proposal.skipped:
            print(f"  dòng {s.line.number}: {_cut(s.text, 60)} — {s.reason}")
    if proposal.reasons:
        print("\nCần xem lại ở cấp kế hoạch:")
        for reason in proposal.reasons:
            print(f"  - {reason}")
    print("\nĐây là bản đề xuất, chưa ghi gì vào danh mục. Dùng --json để lấy toàn bộ trường.")


def cmd_bench(args) -> int:
    from commands import bench, scale as scale_bench

    scales = args.scale or ["province", "national"]
    figures = dict(bench.demo_figures(runs=args.runs))
    peaks = {}
    for scale in scales:
        pages = scale_bench.figures(scale, runs=args.runs)
        peaks[scale] = pages.pop("peak_memory_mb")
        figures.update({f"{k}_{scale}": v for k, v in pages.items()})
        figures.update(bench.import_figures(scale))
    from commands import pg_cluster

    if "national" in scales and pg_cluster.unavailable() is None:  # the same pages on PostgreSQL (issue 17)
        pages = scale_bench.figures("national", runs=args.runs, on="postgresql")
        pages.pop("peak_memory_mb")
        figures.update({f"{k}_national_pg": v for k, v in pages.items()})
    figures.update(bench.export_figures())
    figures.update(bench.hostile_figures())
    browser_lines: list[str] = []
    if not args.no_browser:
        try:
            from commands import bench_browser

            browser = bench_browser.browser_figures()
            figures.update(browser)
            browser_lines = bench_browser.table(browser)
        except ImportError:  # playwright is a test dependency: `make bench` installs it
            print("Lưu ý: chưa cài playwright nên không đo thời gian vẽ biểu đồ trên trình duyệt (chạy `make bench`).")
    from commands import load

    load_figures, load_lines = load.figures()
    figures.update(load_figures)
    peak = max(peaks.values()) if peaks else scale_bench.peak_mb()
    if args.json:
        _print_json({"figures": figures, "peak_memory_mb": peak})
        return 0
    if "export_image_after_first_ms" not in figures:
        from loaders import images
        print(f"Lưu ý: {images.no_browser_message()} Chưa đo được thời gian xuất hình.")
    print(f"Đo tốc độ (mili giây, trung vị của {args.runs} lần trừ khi ghi khác):")
    for name, value in figures.items():
        unit = ("" if name.endswith(("_ratio", "_ratio_to_reader", "_rows", "_files", "_refused", "_errors")) or "_actuals" in name
                or "_ratio_" in name else " trang/s" if name.endswith("_pages_per_s") else " s" if name.endswith("_seconds")
                else " KB" if name.endswith("_kb") else " MB" if "_mb" in name else " ms")
        print(f"  {name:45} {fmt.num(value, 1):>12}{unit}")
    print(f"  {'peak_memory_mb':45} {fmt.num(peak, 1):>12} MB")
    if browser_lines:
        print("Trình duyệt (từ lúc mở trang đến khi biểu đồ đầu tiên vẽ xong; trang trống: đến khi hiện tiêu đề):")
        print("\n".join(browser_lines))
    print("Tải đồng thời (các phiên cùng mở 6 trang, mỗi trang 2 lượt, qua giao thức websocket của Streamlit):")
    print("\n".join(load_lines))
    print("Ngân sách:")
    checks = [(f"{n}_{sc}", PAGE_BUDGET_MS, "≤") for sc in ("national", "national_pg") if "national" in scales for n in
              ("page_overview", "page_lagging", "page_departments", "page_target", "page_reporting", "page_upload_preview",
               "programme_overview", "programme_lagging", "programme_departments", "programme_target",
               "programme_reporting", "page_cascade")]
    checks += [("import_province_ms", 1000, "≤"), ("import_national_ms", 10000, "≤"),
               ("import_province_ratio_to_reader", 3, "≤"), ("import_national_ratio_to_reader", 3, "≤"),
               ("naive_to_overview_ratio_national", 5, "≥"), ("export_image_after_first_ms", 500, "≤"),
               ("export_docx_son_la_ms", 10000, "≤"), ("export_pptx_son_la_ms", 10000, "≤"),
               ("browser_overview_plain_first_ms", 2000, "≤"), ("browser_overview_plain_ratio_to_bare", 1.5, "≤"),
               ("browser_overview_throttled_ratio_to_bare", 1.5, "≤"),
               ("hostile_worst_seconds", 10, "≤"), ("hostile_worst_peak_mb", 500, "≤")]
    for name, limit, op in checks:
        if name in figures:
            ok = figures[name] <= limit if op == "≤" else figures[name] >= limit
            print(f"  {name:45} {fmt.num(figures[name], 2):>12} {op} {fmt.num(limit)}: {'đạt' if ok else 'VƯỢT'}")
    print(f"  {'peak_memory_mb':45} {fmt.num(peak, 1):>12} ≤ 1.536: {'đạt' if peak <= 1536 else 'VƯỢT'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m indicators",
                     description="Theo dõi chỉ tiêu kế hoạch bảo vệ, chăm sóc trẻ em.")
    parser.add_argument("--db", metavar="PATH", help="tệp DuckDB hoặc địa chỉ postgresql://… (mặc định $INDICATORS_DB, "
                                                      "rồi data/indicators.duckdb)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("init", help="tạo hoặc nâng cấp cơ sở dữ liệu và nạp danh mục kế hoạch trong data/plans (chạy lại nhiều lần vẫn an toàn)")
    p.add_argument("--demo", action="store_true", help="thêm dữ liệu minh họa, được đánh dấu là minh họa ở mọi nơi")
    p.add_argument("--admin", default="quantri", metavar="NAME", help="tên tài khoản quản trị đầu tiên (mặc định quantri)")
    p.add_argument("--admin-password-stdin", action="store_true",
                   help="đọc mật khẩu quản trị đầu tiên từ đầu vào chuẩn (không có thì tự sinh và in ra một lần)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("plans", help="liệt kê kế hoạch, kỳ báo cáo và hạn báo cáo")
    p.add_argument("--json", action="store_true", help="in JSON (hạn báo cáo dạng ngày ISO)")
    p.set_defaults(func=cmd_plans)

    p = sub.add_parser("targets", help="liệt kê các chỉ tiêu đo lường được của một kế hoạch")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("status", help="tình trạng thực hiện từng chỉ tiêu của một kỳ báo cáo, kèm giải thích")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--period", required=True, metavar="P", help="kỳ báo cáo: YYYY-H1 (6 tháng) hoặc YYYY (năm)")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.add_argument("--explain", action="store_true", help="in giải thích cho mọi chỉ tiêu (mặc định chỉ chỉ tiêu chậm)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help="thêm dữ liệu minh họa, hoặc xóa đúng phần dữ liệu minh họa với --remove")
    p.add_argument("--remove", action="store_true", help="xóa toàn bộ dữ liệu minh họa (số liệu thật giữ nguyên)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("template", help="tạo biểu mẫu Excel báo cáo cho một cơ quan và kỳ báo cáo (điền sẵn số đã báo cáo)")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--agency", required=True, metavar="NAME", help="tên cơ quan báo cáo, ví dụ \"Sở Y tế\"")
    p.add_argument("--period", required=True, metavar="P", help="kỳ báo cáo: YYYY-H1 hoặc YYYY (kể cả kỳ cơ sở năm trước)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="tệp Excel sẽ tạo")
    p.add_argument("--units", metavar="FILE", help="biểu tổng hợp: tệp danh sách đơn vị báo cáo (mỗi dòng một đơn vị)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("import", help="nhập biểu mẫu Excel đã điền: kiểm tra mọi ô, xem trước, rồi ghi trọn vẹn hoặc không ghi gì")
    p.add_argument("file", metavar="FILE.xlsx", help="biểu mẫu đã điền")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước: mới / thay đổi / không đổi, không ghi")
    p.add_argument("--as", dest="as_user", metavar="USER", help="người nộp (ghi vào lịch sử)")
    p.add_argument("--restore-withdrawn", action="store_true",
                   help="ghi lại cả những số liệu đã rút lại mà tệp đặt lại đúng như cũ (mặc định bỏ qua chúng)")
    p.add_argument("--accept-warnings", action="store_true",
                   help="xác nhận các số liệu bất thường (ví dụ 0,986 ở chỉ tiêu %%) là đúng; được ghi vào nhật ký")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("units", help="đơn vị báo cáo của biểu tổng hợp (xã, phường…): liệt kê, đăng ký, bỏ đăng ký")
    units = p.add_subparsers(dest="action", metavar="VIỆC", parser_class=_Intermixed)
    units.required = True
    q = units.add_parser("list", help="các đơn vị khai báo trong danh mục và do quản trị đăng ký")
    q.add_argument("plan", metavar="PLAN", help="mã kế hoạch")
    q.add_argument("--agency", metavar="NAME", help="chỉ đơn vị của cơ quan tổng hợp này")
    q.add_argument("--json", action="store_true", help="in dạng JSON")
    for action, text in (("add", "đăng ký đơn vị cho biểu tổng hợp của một cơ quan"),
                         ("remove", "bỏ đăng ký một đơn vị (số liệu đã báo cáo vẫn giữ)")):
        q = units.add_parser(action, help=text)
        q.add_argument("plan", metavar="PLAN", help="mã kế hoạch")
        q.add_argument("--agency", required=True, metavar="NAME", help="cơ quan tổng hợp, ví dụ \"Sở Y tế\"")
        q.add_argument("names", nargs="*" if action == "add" else 1, metavar="TÊN", help="tên đơn vị")
        if action == "add":
            q.add_argument("--file", metavar="FILE", help="tệp văn bản UTF-8, mỗi dòng một tên đơn vị")
    p.set_defaults(func=cmd_units)

    p = sub.add_parser("users", help="tài khoản: thêm, liệt kê, khóa/mở, đặt lại mật khẩu")
    users = p.add_subparsers(dest="action", metavar="VIỆC", parser_class=_Parser)
    users.required = True
    q = users.add_parser("add", help="thêm tài khoản (mật khẩu đọc từ đầu vào chuẩn)")
    q.add_argument("name", metavar="NAME", help="tên đăng nhập, ví dụ nguyen.van.a")
    q.add_argument("--role", required=True, choices=["leader", "staff", "admin"],
                   help="leader: lãnh đạo (chỉ xem); staff: cán bộ báo cáo; admin: quản trị")
    q.add_argument("--plan", metavar="SLUG", help="kế hoạch của các cơ quan được giao")
    q.add_argument("--agency", action="append", metavar="NAME", help="cơ quan được báo cáo (lặp lại nếu nhiều)")
    q.add_argument("--display-name", metavar="TÊN", help="họ tên hiển thị")
    q.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ đầu vào chuẩn (bắt buộc)")
    q = users.add_parser("list", help="liệt kê tài khoản")
    q.add_argument("--json", action="store_true", help="in JSON (không bao giờ có mật khẩu)")
    for action, text in (("disable", "khóa tài khoản"), ("enable", "mở lại tài khoản đã khóa")):
        q = users.add_parser(action, help=text)
        q.add_argument("name", metavar="NAME")
    q = users.add_parser("password", help="đặt lại mật khẩu (đọc từ đầu vào chuẩn)")
    q.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("backup", help="sao lưu mọi bảng ra thư mục (Parquet + manifest.json)")
    p.add_argument("dir", metavar="DIR", help="thư mục sao lưu (tạo mới nếu chưa có)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="khôi phục mọi bảng từ một bản sao lưu (thay toàn bộ dữ liệu hiện có)")
    p.add_argument("dir", metavar="DIR", help="thư mục do lệnh backup tạo")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("migrate", help="chuyển toàn bộ dữ liệu (kể cả lịch sử và nhật ký) sang cơ sở dữ liệu khác: "
                                       "DuckDB ↔ PostgreSQL; đích phải trống")
    p.add_argument("--to", required=True, metavar="ĐÍCH",
                   help="postgresql://tên:mật-khẩu@máy:5432/csdl hoặc đường dẫn một tệp DuckDB mới")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("bench", help="đo tốc độ (mili giây, trung vị nhiều lần) trên một cơ sở dữ liệu tạm")
    p.add_argument("--runs", type=int, default=10, help="số lần đo mỗi phép (mặc định 10)")
    p.add_argument("--scale", action="append", choices=["province", "national"],
                   help="quy mô dữ liệu tổng hợp minh họa: province (1 tỉnh, 98 xã) hoặc national (34 tỉnh, 3.321 xã, "
                        "10 năm); mặc định cả hai")
    p.add_argument("--no-browser", action="store_true", help="không đo thời gian vẽ biểu đồ trên Chromium")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("export", help="xuất báo cáo của một kỳ: hình biểu đồ (png, svg, pdf), bảng Excel, báo cáo Word, trình chiếu PowerPoint")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--period", required=True, metavar="P", help="kỳ báo cáo: YYYY-H1 (6 tháng) hoặc YYYY (năm)")
    p.add_argument("--format", choices=["png", "svg", "pdf", "xlsx", "docx", "pptx"],
                   help="định dạng (mặc định theo đuôi tệp ra): png/svg/pdf là hình biểu đồ, xlsx bảng tổng hợp, "
                        "docx báo cáo tóm tắt, pptx trình chiếu")
    p.add_argument("--chart", default="tong-quan", metavar="TÊN",
                   help="biểu đồ cần xuất hình (png, svg, pdf): tong-quan (mặc định: từng chỉ tiêu so với chỉ tiêu kế hoạch), "
                        "nhom-muc-tieu, co-quan, bao-cao (báo cáo theo kỳ), muc-tieu-1, muc-tieu-2…")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="tệp sẽ tạo, ví dụ bao-cao.docx")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("parse-plan", help="đọc văn bản kế hoạch (.docx hoặc .txt UTF-8) và đề xuất chỉ tiêu, cơ quan, hạn báo cáo "
                                          "(chỉ xem, không ghi gì)")
    p.add_argument("file", metavar="FILE", help="văn bản kế hoạch: .docx hoặc .txt (UTF-8)")
    p.add_argument("--json", action="store_true", help="in JSON: mỗi chỉ tiêu kèm giá trị từng năm, cơ quan và needs_review")
    p.set_defaults(func=cmd_parse_plan)

    from commands import cli_cycle, cli_indicators, cli_reporting

    cli_indicators.register(sub, _Parser)
    cli_cycle.register(sub, _Parser)
    cli_reporting.register(sub, _Parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except AppError as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as exc:  # a folder or file the command cannot use
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"Không đọc/ghi được tệp hoặc thư mục{where}: {_os_reason(exc)}.", file=sys.stderr)
        print("Cách khắc phục: kiểm tra đường dẫn và quyền ghi rồi chạy lại.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except Exception as exc:  # last line of defence: never a traceback for a user
        print(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("Hãy báo lỗi này cho quản trị hệ thống kèm lệnh vừa chạy.", file=sys.stderr)
        return 1
