"""Commands about reporting discipline (docs/cli.md): `reminders` (the reports each agency is late
with, is missing or has due soon, with its contact, as text, JSON, an Excel list and one letter per
agency) and `contacts` (list or record an agency's contact). Registered into the parser by
commands/cli.py. Every rule is the core's (indicators/reminders.py)."""
from __future__ import annotations

import getpass
from pathlib import Path

from indicators import fmt, reminders
from indicators.errors import UsageError


def register(sub, parser_class) -> None:
    p = sub.add_parser("reminders", help="nhắc báo cáo: từng cơ quan có báo cáo quá hạn chưa nộp, sắp đến hạn hoặc đã nộp "
                                         "muộn, kèm thông tin liên hệ; xuất Excel và thư nhắc cho từng cơ quan")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--date", metavar="D", help="ngày tính nhắc: 2026-07-10 hoặc 10/07/2026 (mặc định hôm nay)")
    p.add_argument("--days", default=str(reminders.DEFAULT_DAYS), metavar="N",
                   help=f"nhắc cả báo cáo có hạn nộp trong N ngày tới (mặc định {reminders.DEFAULT_DAYS}, "
                        f"0–{reminders.MAX_DAYS})")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.add_argument("-o", "--output", metavar="FILE.xlsx", help="ghi danh sách ra tệp Excel")
    p.add_argument("--texts", metavar="DIR", help="ghi thư nhắc của từng cơ quan vào thư mục DIR (mỗi cơ quan một tệp .txt)")
    p.set_defaults(func=cmd_reminders)

    p = sub.add_parser("contacts", help="thông tin liên hệ (người, điện thoại, thư điện tử) của các cơ quan báo cáo: "
                                        "liệt kê, hoặc ghi cho một cơ quan (quản trị)")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--agency", metavar="NAME", help="cơ quan cần xem hoặc ghi, ví dụ \"Sở Y tế\"")
    p.add_argument("--person", metavar="P", help="người liên hệ (họ tên, chức vụ); \"\" để xóa")
    p.add_argument("--phone", metavar="X", help="điện thoại, ví dụ \"0212 3852 123\"; \"\" để xóa")
    p.add_argument("--email", metavar="E", help="thư điện tử; \"\" để xóa")
    p.add_argument("--remove", action="store_true", help="xóa toàn bộ thông tin liên hệ của cơ quan")
    p.add_argument("--as", dest="as_user", metavar="USER", help="tài khoản quản trị ghi thông tin")
    p.add_argument("--json", action="store_true", help="in JSON (khi liệt kê)")
    p.set_defaults(func=cmd_contacts)


def _cli():
    from commands import cli  # the shared plumbing (database, JSON, widths); imported late: cli imports us

    return cli


def _check_output(path: str | None) -> Path | None:
    if path is None:
        return None
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"Tên tệp ra \"{out}\" phải có đuôi .xlsx.", "Ví dụ: -o nhac-bao-cao.xlsx")
    return out


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"Không ghi được tệp {path}: {exc.strerror}.", "Kiểm tra thư mục và quyền ghi.") from None


def cmd_reminders(args) -> int:
    from indicators.settings import now_local

    cli = _cli()
    # every argument is checked before the database is opened or a file written
    on = reminders.parse_date(args.date) if args.date is not None else now_local().date()
    days = reminders.check_days(args.days)
    out = _check_output(args.output)
    texts = Path(args.texts) if args.texts else None
    if texts is not None and texts.exists() and not texts.is_dir():
        raise UsageError(f"\"{texts}\" đã có và không phải thư mục.", "Chọn một thư mục (sẽ được tạo nếu chưa có).")
    with cli._open(args) as store:
        rem = reminders.reminders(store, args.plan, on, days)
    if out is not None:
        from loaders.exports.reminders import excel

        _write(out, excel(rem))
    written = []
    if texts is not None:
        from indicators.reminders import text_bytes, text_files

        for name, text in text_files(rem).items():
            _write(texts / name, text_bytes(text))
            written.append(name)
    if args.json:
        cli._print_json(rem.as_dict())
        return 0
    _print(rem, now_local().date())
    if out is not None:
        print(f"Danh sách Excel đã lưu: {out}")
    if texts is not None:
        print(f"Thư nhắc đã lưu: {len(written)} tệp trong {texts}" + (" (UTF-8, mở được bằng Notepad, Word)." if written else "."))
    return 0


def _print(rem: reminders.Reminders, today) -> None:
    cli = _cli()
    plan = rem.plan
    counts = rem.counts()
    print(f"Nhắc báo cáo — {plan.title} ({plan.slug})")
    print(f"Tính đến ngày {fmt.day(rem.on)}; sắp đến hạn: hạn nộp trong {fmt.num(rem.days)} ngày tới.")
    if rem.on < today:
        print("Lưu ý: ngày tính nhắc đã qua; tình trạng tính theo các báo cáo đã nhận đến hôm nay.")
    if rem.has_demo:
        print(f"*** {fmt.DEMO_NOTE} ***")
    if not rem.agencies:
        print("Không có báo cáo nào quá hạn chưa nộp, nộp muộn hay sắp đến hạn.")
        return
    print(f"{fmt.num(len(rem.agencies))} cơ quan: {fmt.num(counts[reminders.MISSING])} báo cáo chưa nộp (quá hạn), "
          f"{fmt.num(counts[reminders.NOT_DUE])} sắp đến hạn, {fmt.num(counts[reminders.LATE])} nộp muộn.")
    width = cli._width()
    for a in rem.agencies:
        print()
        print(a.agency)
        print(f"    Liên hệ: {cli._cut(a.contact.text, width - 14) if a.contact else 'chưa ghi'}")
        if a.accounts:
            print(f"    Tài khoản: {cli._cut('; '.join(x.text for x in a.accounts), width - 16)}")
        for i in a.items:
            print(f"  {reminders.SYMBOL[i.state]} {i.label:19} {i.period_label:22} {i.due_text:22} {i.days_text}")


def cmd_contacts(args) -> int:
    cli = _cli()
    setting = args.remove or any(v is not None for v in (args.person, args.phone, args.email))
    if setting and not args.agency:
        raise UsageError("Cần --agency: ghi thông tin liên hệ cho cơ quan nào.",
                         "Ví dụ: --agency \"Sở Y tế\" --person \"Nguyễn Văn A\" --phone \"0212 3852 123\"")
    if args.remove and any(v is not None for v in (args.person, args.phone, args.email)):
        raise UsageError("--remove không đi cùng --person, --phone, --email.", "Dùng một trong hai cách.")
    with cli._open(args) as store:
        plan = store.plan(args.plan)
        if setting:
            # the agency as spelt on record (case and spacing variants are that agency); unknown: refused
            name = reminders.check_contact(plan, store.registered_units(args.plan), args.agency, None, None, None).agency
            current = store.agency_contacts(plan.scope).get(name) or {}

            def pick(value, key):  # an option not given keeps the recorded value; "" clears it
                return "" if args.remove else (current.get(key) or "") if value is None else value

            who = {"user": args.as_user} if args.as_user else {"operator": getpass.getuser()}
            clean, changed = reminders.set_contact(store, args.plan, name, person=pick(args.person, "person"),
                                                   phone=pick(args.phone, "phone"), email=pick(args.email, "email"), **who)
            if not changed:
                print(f"Thông tin liên hệ của {clean.agency} không đổi.")
            elif clean.empty:
                print(f"Đã xóa thông tin liên hệ của {clean.agency} ({plan.scope}).")
            else:
                shown = reminders.Contact(clean.person, clean.phone, clean.email).text
                print(f"Đã ghi thông tin liên hệ của {clean.agency} ({plan.scope}): {shown}.")
            return 0
        contacts = store.agency_contacts(plan.scope)
        names = reminders.contact_agencies(plan, store.registered_units(args.plan))
        if args.agency:
            clean = reminders.check_contact(plan, store.registered_units(args.plan), args.agency, None, None, None)
            names = [clean.agency]
        rows = [{"agency": n, "person": (contacts.get(n) or {}).get("person"), "phone": (contacts.get(n) or {}).get("phone"),
                 "email": (contacts.get(n) or {}).get("email"), "updated_by": (contacts.get(n) or {}).get("updated_by"),
                 "updated_at": (contacts.get(n) or {}).get("updated_at")} for n in names]
        if args.json:
            cli._print_json({"plan": plan.slug, "scope": plan.scope, "contacts": rows})
            return 0
        recorded = sum(1 for r in rows if r["updated_by"])
        print(f"Thông tin liên hệ — {plan.scope} (kế hoạch {plan.slug}): {recorded}/{len(rows)} cơ quan đã có.")
        width = cli._width()
        for r in rows:
            if r["updated_by"]:
                c = reminders.Contact(r["person"] or "", r["phone"] or "", r["email"] or "")
                print(f"  {cli._cut(r['agency'], 38):38} {cli._cut(c.text, width - 44)}")
                print(f"  {'':38} (ghi bởi {r['updated_by']} lúc {fmt.moment(r['updated_at'])})")
            else:
                print(f"  {cli._cut(r['agency'], 38):38} chưa ghi")
    return 0
