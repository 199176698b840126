"""Commands about indicators and the chain of plans (docs/cli.md): `indicators list|propose|link`,
`cascade`, `history`, `next-plan`. Registered into the parser by commands/cli.py."""
from __future__ import annotations

from pathlib import Path

from indicators import fmt, status
from indicators.errors import UsageError


def register(sub, parser_class) -> None:
    p = sub.add_parser("indicators", help="danh mục chỉ số: liệt kê, đề xuất chỉ số cho chỉ tiêu, gắn (xác nhận) liên kết")
    ind = p.add_subparsers(dest="action", metavar="VIỆC", parser_class=parser_class)
    ind.required = True
    q = ind.add_parser("list", help="các chỉ số (đơn vị, chiều, tử số, mẫu số, phân tổ) và số chỉ tiêu đang gắn với mỗi chỉ số")
    q.add_argument("--json", action="store_true", help="in JSON")
    q = ind.add_parser("propose", help="đề xuất chỉ số cho từng chỉ tiêu của một kế hoạch, kèm căn cứ (chỉ xem, không ghi gì)")
    q.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    q.add_argument("--json", action="store_true", help="in JSON")
    q = ind.add_parser("link", help="xác nhận hoặc đổi chỉ số của một chỉ tiêu: ghi vào tệp danh mục bên cạnh chỉ tiêu và nạp lại kế hoạch")
    q.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    q.add_argument("code", metavar="CODE", help="mã chỉ tiêu, ví dụ 3 hoặc 15b")
    q.add_argument("indicator", metavar="INDICATOR", help="mã chỉ số (xem `indicators list`), hoặc - để bỏ liên kết")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("cascade", help="một chỉ tiêu từ kế hoạch cấp trên xuống mọi kế hoạch cấp dưới cùng chỉ số: chỉ tiêu, "
                                       "kết quả, tình trạng, cảnh báo")
    p.add_argument("plan", metavar="PLAN", help="kế hoạch cấp trên, ví dụ qd23-2021-2030")
    p.add_argument("code", metavar="CODE", help="mã chỉ tiêu, ví dụ 3a")
    p.add_argument("--year", required=True, type=int, metavar="Y", help="năm cần xem, ví dụ 2026")
    p.add_argument("--depth", type=int, metavar="N", help="chỉ xem N cấp dưới (1: chỉ kế hoạch con trực tiếp)")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.set_defaults(func=cmd_cascade)

    p = sub.add_parser("history", help="lịch sử một chỉ số của cùng phạm vi qua các kế hoạch: chỉ tiêu và kết quả từng năm")
    p.add_argument("plan", metavar="PLAN", help="mã kế hoạch, ví dụ son-la-2026")
    p.add_argument("code", metavar="CODE", help="mã chỉ tiêu")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("next-plan", help="tạo bản nháp kế hoạch năm sau từ kế hoạch năm nay: cùng chỉ tiêu, liên kết, cơ quan; "
                                         "giá trị để trống cho người điền")
    p.add_argument("plan", metavar="PLAN", help="kế hoạch năm nay, ví dụ son-la-2026")
    p.add_argument("--year", type=int, metavar="Y", help="năm của kế hoạch mới (mặc định năm sau)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.toml", help="tệp nháp sẽ tạo (không ghi đè tệp đã có)")
    p.set_defaults(func=cmd_next_plan)


def _cli():
    from commands import cli  # the shared plumbing (database, JSON, widths); imported late: cli imports us

    return cli


def cmd_indicators(args) -> int:
    cli = _cli()
    with cli._open(args) as store:
        registry = store.registry()
        if args.action == "list":
            counts = store.indicator_link_counts()
            rows = [i.model_dump() | {"targets": counts.get(i.code, 0)} for i in registry.indicators]
            if args.json:
                cli._print_json({"dimensions": [d.model_dump() for d in registry.dimensions], "indicators": rows})
                return 0
            print(f"{len(rows)} chỉ số, {len(registry.dimensions)} cách phân tổ.")
            print(f"{'Mã chỉ số':34} {'Đơn vị':8} {'Chiều':6} {'Chỉ tiêu':>8}  Tên")
            for r in rows:
                print(f"{cli._cut(r['code'], 34):34} {r['unit']:8} {'giảm' if r['direction'] == 'down' else 'tăng':6} "
                      f"{r['targets']:>8}  {cli._cut(r['name'], max(20, cli._width() - 62))}")
            for d in registry.dimensions:
                print(f"  Phân tổ {d.code}: {d.name} ({', '.join(d.categories)})")
            return 0
        if args.action == "propose":
            from indicators import linking

            targets = store.targets(args.plan)
            proposals = linking.propose_all(targets, registry)
            if args.json:
                cli._print_json([p.as_dict() | {"confirmed": t.indicator} for p, t in zip(proposals, targets)])
                return 0
            agree = sum(p.indicator == t.indicator for p, t in zip(proposals, targets))
            print(f"Kế hoạch {args.plan}: {len(targets)} chỉ tiêu; đề xuất trùng liên kết đã xác nhận ở {agree}.")
            for p, t in zip(proposals, targets):
                mark = "=" if p.indicator == t.indicator else "≠"
                print(f"{t.code:6} {mark} đề xuất: {p.indicator or '(không)':32} đã xác nhận: {t.indicator or '(chưa)'}")
                print(f"{'':8} căn cứ: {'; '.join(p.reasons)}")
            return 0
        from loaders.catalogue import confirm_link

        indicator = None if args.indicator == "-" else args.indicator
        plan = confirm_link(store, args.plan, args.code, indicator, actor=cli._operator())
        what = f"gắn với chỉ số {indicator}" if indicator else "bỏ liên kết chỉ số"
        print(f"Đã {what} cho chỉ tiêu {args.code} của kế hoạch {plan.slug}: ghi vào tệp danh mục {plan.slug}.toml "
              "và nạp lại vào cơ sở dữ liệu.")
    return 0


def cmd_cascade(args) -> int:
    from indicators import cascade

    cli = _cli()
    with cli._open(args) as store:
        c = cascade.cascade(store, args.plan, args.code, args.year, max_depth=args.depth)
        if args.json:
            cli._print_json(c.as_dict())
            return 0
        unit = c.target.unit
        head = (f"mốc {c.milestone_year} {fmt.target_phrase(c.comparator, c.milestone, unit)}" if c.milestone is not None
                else fmt.goal(c.target))
        if c.road is not None and c.milestone_year != c.year:
            head += f"; lộ trình năm {c.year}: {fmt.with_unit(c.road, unit)}"
        if c.own is not None:
            head += f"; {c.plan.scope}: {fmt.actual(c.own.figure.value, unit)} ({status.display(c.own.status)})"
        name = c.indicator.name if c.indicator else c.target.indicator
        print(f"{c.plan.slug} chỉ tiêu {c.target.code} — {name} — năm {c.year}: {head}")
        if not c.rows:
            print("Chưa có kế hoạch cấp dưới nào (kế hoạch nêu kế hoạch cha bằng dòng parent trong tệp danh mục).")
            return 0
        print(f"{'Kế hoạch':24} {'Phạm vi':26} {'Cấp':9} {'Mã':5} {'Chỉ tiêu ' + str(c.year):14} {'Kết quả':10} "
              f"{'Tình trạng':20} Cảnh báo")
        for r in c.rows:
            st = status.display(r.status) if r.status else "—"
            actual = fmt.with_unit(r.actual, unit) if r.actual is not None else "—"
            print(f"{cli._cut(r.plan.slug, 24):24} {cli._cut(r.plan.scope, 26):26} {fmt.level_label(r.plan.level):9} "
                  f"{(r.target.code if r.target else '—'):5} {cli._cut(r.goal_text(), 14):14} {actual:10} {st:20} "
                  f"{'; '.join(cascade.FLAG_LABEL[f] for f in r.flags)}")
        ranked = c.ranking()
        if ranked:
            print(f"\nXa lộ trình năm {c.year} nhất trước:")
            for i, r in enumerate(ranked[:10], 1):
                side = "còn cách lộ trình" if r.shortfall > 0 else "vượt lộ trình"
                print(f"  {i:2}. {r.plan.scope}: {fmt.with_unit(r.actual, unit)} ({side} {fmt.difference(abs(r.shortfall), unit)})")
    return 0


def cmd_history(args) -> int:
    from indicators import continuity

    cli = _cli()
    with cli._open(args) as store:
        rows = continuity.indicator_history(store, args.plan, args.code)
        if args.json:
            cli._print_json([r.as_dict() for r in rows])
            return 0
        target = next(t for t in store.targets(args.plan) if t.code == args.code)
        name = store.registry().indicator(target.indicator)
        print(f"{store.plan(args.plan).scope} — {name.name if name else target.text}")
        print(f"{'Năm':5} {'Kế hoạch':26} {'Mã':5} {'Chỉ tiêu':16} {'Kết quả':10} {'Kỳ':8} Tình trạng")
        for r in rows:
            goal = fmt.target_phrase(r.comparator, r.goal, r.target.unit) if r.goal is not None else fmt.goal(r.target)
            actual = fmt.actual(r.actual, r.target.unit)
            print(f"{r.year:<5} {cli._cut(r.plan.slug, 26):26} {r.target.code:5} {cli._cut(goal, 16):16} {actual:10} "
                  f"{r.period:8} {status.display(r.result.status)}")
    return 0


def cmd_next_plan(args) -> int:
    from indicators import continuity
    from loaders.plan_doc import draft_toml

    cli = _cli()
    out = Path(args.output)
    if out.exists():
        raise UsageError(f"Tệp {out} đã có; không ghi đè.", "Chọn tên tệp khác với -o.")
    with cli._open(args) as store:
        plan = store.plan(args.plan)
        data = continuity.next_year_plan(plan, args.year)
        blanks = continuity.blank_codes(data)
        text = draft_toml(data, plan, blanks)
    out.write_text(text, encoding="utf-8")
    print(f"Đã tạo bản nháp {out} cho kế hoạch {data['slug']} ({len(blanks)} chỉ tiêu chờ điền giá trị: "
          f"{', '.join(blanks)}).")
    print("Tiếp theo: điền giá trị ở các dòng \"# target =\" (bỏ dấu #), chép tệp vào data/plans/ rồi chạy "
          "`python -m indicators init`. Mức cơ sở lấy từ kết quả năm nay, không cần báo cáo lại.")
    return 0
