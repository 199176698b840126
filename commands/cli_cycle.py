"""Commands of the reporting cycle (docs/cli.md, docs/reporting-cycle.md): `approve`, `reopen`,
`autolock`, `withdraw`. Registered into the parser by commands/cli.py. Every rule is the core's
(indicators/cycle.py); without --as the server's operator acts, recorded as such."""
from __future__ import annotations

import getpass

from indicators import cycle, fmt, periods


def _who(args) -> dict:
    return {"user": args.as_user} if args.as_user else {"operator": getpass.getuser()}


def register(sub, parser_class) -> None:
    p = sub.add_parser("approve", help="duyệt số liệu một kỳ của kế hoạch: từ đó không nhận thêm báo cáo cho kỳ này")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("--period", required=True, metavar="P", help="kỳ báo cáo, ví dụ 2026-H1 hoặc 2026")
    p.add_argument("--as", dest="as_user", metavar="USER", help="tài khoản duyệt (cơ quan thường trực hoặc quản trị)")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("reopen", help="mở lại một kỳ đã duyệt (quản trị), kèm lý do")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch")
    p.add_argument("--period", required=True, metavar="P", help="kỳ báo cáo")
    p.add_argument("--reason", required=True, metavar="TEXT", help="lý do mở lại (ghi vào nhật ký)")
    p.add_argument("--as", dest="as_user", metavar="USER", help="tài khoản quản trị")
    p.set_defaults(func=cmd_reopen)

    p = sub.add_parser("autolock", help="tự khóa mỗi kỳ N ngày sau hạn nộp (mặc định tắt); không có DAYS: xem cài đặt")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch")
    p.add_argument("days", nargs="?", metavar="DAYS", help="số ngày sau hạn nộp (0–366), hoặc off để tắt")
    p.add_argument("--as", dest="as_user", metavar="USER", help="tài khoản quản trị")
    p.set_defaults(func=cmd_autolock)

    p = sub.add_parser("withdraw", help="rút lại một số liệu đã báo cáo (giữ trong lịch sử, kèm lý do)")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch")
    p.add_argument("--period", required=True, metavar="P", help="kỳ báo cáo")
    p.add_argument("--agency", required=True, metavar="NAME", help="cơ quan (hoặc đơn vị) có số liệu cần rút")
    p.add_argument("--target", required=True, metavar="CODE", help="mã chỉ tiêu, ví dụ 3 hoặc 15b")
    p.add_argument("--category", metavar="NAME", help="phân tổ (với chỉ tiêu phân tổ), ví dụ \"nông thôn\"")
    p.add_argument("--reason", required=True, metavar="TEXT", help="lý do rút lại (ghi vào nhật ký)")
    p.add_argument("--as", dest="as_user", metavar="USER", help="tài khoản cán bộ của cơ quan đã nộp số liệu")
    p.set_defaults(func=cmd_withdraw)


def cmd_approve(args) -> int:
    from commands import cli

    with cli._open(args) as store:
        state = cycle.approve(store, args.plan, args.period, **_who(args))
    print(f"Kỳ {periods.label(args.period)} của kế hoạch {args.plan}: {state.describe()}. "
          "Từ nay không nhận thêm báo cáo cho kỳ này.")
    return 0


def cmd_reopen(args) -> int:
    from commands import cli

    with cli._open(args) as store:
        state = cycle.reopen(store, args.plan, args.period, args.reason, **_who(args))
    print(f"Kỳ {periods.label(args.period)} của kế hoạch {args.plan}: {state.describe()}. Các cơ quan lại nộp được báo cáo.")
    return 0


def cmd_autolock(args) -> int:
    from commands import cli

    with cli._open(args) as store:
        if args.days is None:
            days = store.autolock_days(store.plan(args.plan).slug)
        else:
            days = cycle.set_autolock(store, args.plan, args.days, **_who(args))
        print(f"Kế hoạch {args.plan}: " + ("không tự khóa kỳ (chỉ khóa khi được duyệt)." if days is None else
                                           f"mỗi kỳ tự khóa {days} ngày sau hạn nộp."))
        for period, a in store.approvals(args.plan).items():
            print(f"  {periods.label(period).capitalize()}: {a.describe()}")
    return 0


def cmd_withdraw(args) -> int:
    from commands import cli

    with cli._open(args) as store:
        unit = next((t.unit for t in store.targets(args.plan) if t.code == args.target), "")
        old = cycle.withdraw(store, args.plan, args.period, args.agency, args.target, args.reason,
                             category=args.category, **_who(args))
    value = old.get("text") or fmt.with_unit(old.get("value"), unit)
    print(f"Đã rút lại số liệu {value} của {args.agency}, chỉ tiêu {args.target}"
          + (f" (phân tổ {args.category})" if args.category else "") + f", kỳ {periods.label(args.period)}. "
          "Số liệu vẫn giữ trong lịch sử; tình trạng chỉ tiêu tính lại như chưa báo cáo.")
    return 0
