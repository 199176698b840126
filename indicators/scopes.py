"""Who may report what: the rule, in one place, that every upload path applies per row.

- An agency's template holds the targets the agency leads or coordinates, and only those: a row
  for any other target is refused, whatever the workbook claims.
- A compilation (biểu tổng hợp) is made by one agency for reporting units below it (the communes
  of a commune or province plan). Its units must be the plan's declared reporting units or units
  an administrator registered for that agency; names are compared after normalising case and
  spacing ("Sở Y Tế" is not a new unit, it is "Sở Y tế" or nothing). A unit's figures count only
  for the targets the compilation covers: the compiling agency's own targets (all targets when
  the agency leads none, as the plan's standing agency may).
- An agency named in the plan (not a reporting unit) always files its own report: a compilation
  row for it needs the account to hold that agency (checked in intake).
- A row for one category of a disaggregated target ("trong đó: nông thôn") is taken only while the
  plan still splits that target by that category; a template issued before the catalogue changed
  is refused at that row, and a new template is the fix."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import lru_cache

from indicators import fmt
from indicators.errors import Problem
from indicators.models import Plan, Target


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """'  Sở  Y Tế ', 'Ｓở Y tế' (full width) and 'Sở Y tế' compare equal; invisible formatting
    characters (zero-width space, soft hyphen) are ignored."""
    text = unicodedata.normalize("NFKC", str(name))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc") or ch.isspace())
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def agency_targets(targets: list[Target], agency: str) -> list[Target]:
    """The targets an agency reports on its own template: those it leads or coordinates."""
    return [t for t in targets if agency in t.agencies]


def compilation_targets(targets: list[Target], agency: str) -> list[Target]:
    """The targets a compilation made by `agency` covers."""
    return agency_targets(targets, agency) or list(targets)


def units_of(plan: Plan, registered: list[tuple[str, str]], agency: str) -> dict[str, str]:
    """name_key -> the spelling on record, of every unit a compilation by `agency` may carry:
    the plan's reporting units, the units registered for that agency, and the plan's own agencies
    (whose rows intake checks against the account)."""
    names = list(plan.reporting_units) + [u for a, u in registered if a == agency] + plan.all_agencies()
    out: dict[str, str] = {}
    for n in names:
        out.setdefault(name_key(n), n)
    return out


def plan_agency_keys(plan: Plan) -> set[str]:
    """name_key of every agency named in the plan that is not one of its reporting units: those
    file their own reports and are never a unit of a compilation."""
    return {name_key(a) for a in plan.all_agencies()} - {name_key(u) for u in plan.reporting_units}


def check_rows(plan: Plan, targets: list[Target], registered: list[tuple[str, str]], agency: str, kind: str,
               rows: list) -> tuple[list, list[Problem]]:
    """Rows with their unit names spelt as on record, and a problem for every row that the
    template's agency may not report (or that names a category its target does not have)."""
    problems: list[Problem] = []
    categories = {t.code: t.category_names for t in targets}
    out = []
    if kind == "compilation":
        allowed = {t.code for t in compilation_targets(targets, agency)}
        known = units_of(plan, registered, agency)
    else:
        allowed = {t.code for t in agency_targets(targets, agency)}
        known = {name_key(agency): agency}
    told: set = set()  # one problem per unknown unit and per target refused, at its first row
    for row in rows:
        where = row.where or agency
        unit = row.agency if kind == "compilation" else (row.agency or agency)
        spelt = known.get(name_key(unit or ""))
        if (spelt is None and unit in told) or (spelt is not None and row.code not in allowed and row.code in told):
            continue
        if spelt is None:
            told.add(unit)
            if kind == "compilation":
                problems.append(Problem(where, f"Đơn vị báo cáo \"{unit}\" không thuộc kế hoạch {plan.slug} và chưa được đăng ký "
                                               f"cho {agency}.",
                                        "Quản trị đăng ký đơn vị (trang Tài khoản → Đơn vị báo cáo, hoặc lệnh `units add`), "
                                        "rồi tải biểu tổng hợp mới."))
            else:
                problems.append(Problem(where, f"Dòng này ghi cho \"{unit}\", không phải cơ quan của biểu mẫu ({agency}).",
                                        "Mỗi cơ quan chỉ báo cáo bằng biểu mẫu của mình."))
            continue
        if row.code not in allowed:
            told.add(row.code)
            problems.append(Problem(where, f"Chỉ tiêu {row.code} không do {agency} chủ trì hay phối hợp, nên không báo cáo "
                                           "bằng biểu mẫu này.",
                                    "Xóa dòng này; chỉ tiêu của cơ quan khác do cơ quan đó báo cáo bằng biểu mẫu của mình."))
            continue
        if row.category is not None and row.category not in categories.get(row.code, ()):
            if (row.code, row.category) not in told:
                told.add((row.code, row.category))
                now = categories.get(row.code)
                problems.append(Problem(where, f"Dòng phân tổ \"{row.category}\" của chỉ tiêu {row.code}: kế hoạch {plan.slug} "
                                               f"không phân tổ chỉ tiêu {row.code} theo \"{row.category}\""
                                               + (f" (chỉ theo: {', '.join(now)})." if now else " nữa."),
                                        "Danh mục của kế hoạch đã thay đổi sau khi tải biểu mẫu: tải biểu mẫu mới "
                                        "(số đã báo cáo được điền sẵn) rồi chép số liệu sang."))
            continue
        out.append(replace(row, agency=spelt) if kind == "compilation" and spelt != row.agency else row)
    return out, problems


def register_units(store, slug: str, agency: str, names: list[str], *, actor: str) -> list[str]:
    """An administrator registers reporting units for an agency's compilations. Each name is
    checked (no formula, not one of the plan's agencies, not too long) and spaced normally;
    a name that differs from a registered one only in case or spacing is that one."""
    from indicators import accounts
    from indicators.errors import UsageError

    if accounts.operator_of(actor) is None:  # a signed-in person, not the machine's operator
        accounts.require_admin(store, actor)
    plan = store.plan(slug)
    if agency not in plan.all_agencies():
        raise UsageError(f"Kế hoạch {slug} không có cơ quan \"{agency}\".",
                         "Các cơ quan của kế hoạch: " + "; ".join(plan.all_agencies()) + ".")
    registered = store.registered_units(slug)
    known = units_of(plan, registered, agency)
    others = {name_key(u): a for a, u in registered if a != agency}  # a unit is compiled by one agency only
    agencies = plan_agency_keys(plan)
    clean, problems = [], []
    for i, raw in enumerate(names, start=1):
        name = " ".join(unicodedata.normalize("NFC", str(raw)).split())
        where = f"tên thứ {i}"
        if not name:
            problems.append(Problem(where, "Tên đơn vị trống.", "Bỏ dòng trống."))
        elif len(name) > 120:
            problems.append(Problem(where, f"Tên đơn vị dài {len(name)} ký tự (tối đa 120).", "Viết tên ngắn gọn, ví dụ \"UBND xã Châu Sơn\"."))
        elif fmt.has_hidden(name):
            problems.append(Problem(where, f"Tên \"{name}\" có ký tự ẩn (khoảng trắng không độ rộng, gạch nối mềm…).",
                                    "Gõ lại tên đơn vị bằng bàn phím thay vì dán từ nơi khác."))
        elif name.startswith(fmt.CSV_FORMULA_STARTS):
            problems.append(Problem(where, f"Tên \"{name}\" bắt đầu bằng \"{name[0]}\" (dễ bị hiểu là công thức).",
                                    "Viết tên đơn vị bằng chữ, ví dụ \"UBND xã Châu Sơn\"."))
        elif name_key(name) in agencies:
            problems.append(Problem(where, f"\"{name}\" là cơ quan của kế hoạch, tự nộp báo cáo của mình, không phải đơn vị "
                                           "trong biểu tổng hợp.", "Bỏ tên này."))
        elif name_key(name) in others:
            problems.append(Problem(where, f"\"{name}\" đã được đăng ký cho {others[name_key(name)]}: mỗi đơn vị chỉ do một "
                                           "cơ quan tổng hợp, để số liệu của đơn vị không bị cơ quan khác ghi đè hay rút lại.",
                                    f"Bỏ đăng ký ở {others[name_key(name)]} trước (lệnh `units remove`), hoặc bỏ tên này."))
        else:
            # a variant (case, spacing) of a registered unit, or of a name earlier in this list, is that one
            clean.append(known.setdefault(name_key(name), name))
    if problems:
        raise UsageError(f"Không đăng ký được: {len(problems)} tên đơn vị không hợp lệ. Chưa ghi gì.", "", problems)
    return store.register_units(slug, agency, clean, actor=actor)
