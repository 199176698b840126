"""Reminders (issue 15): for a plan and a date D, the reports each agency still has to act on, with
its contact and the accounts assigned to it, and a ready-to-send letter per agency.

The lists are the reporting page's states, nothing else: `reporting.expected_reports(plan, targets,
receipts, today=D)` judges every expected report (every agency × every declared period, receipts
as recorded now), and an agency is reminded of
- MISSING ("Chưa nộp (quá hạn)"): nothing received and D is after the deadline (after the period's
  end when the period has no deadline); `days` = days overdue on D;
- NOT_DUE with a deadline D ≤ deadline ≤ D + `days` ("Sắp đến hạn"; `days` defaults to
  DEFAULT_DAYS): nothing received yet, deadline within the window; `days` = days left (0: the
  deadline is D itself). A NOT_DUE report without a deadline, or with a deadline after the window,
  is not a reminder;
- LATE ("Nộp muộn"): received after the deadline; `days` = days late. Nothing left to send, but
  the reporting page calls the agency late: the letter records it and asks for the next deadlines.
ON_TIME reports are never listed. An agency appears exactly when it has at least one of these.
Agencies are in Vietnamese order (reporting.vi_key); within one agency missing reports first (most
overdue first), then those due soon (nearest deadline first), then the late ones.

A past D judges against the receipts recorded now (the reporting page with its clock set to D): a
report received after D is not "missing" on D.

Contacts (`Store.agency_contacts(plan.scope)`) are per reporting scope: one record per agency,
shared by the scope's plans. `check_contact` / `set_contact` are the one path of a write: person
≤ 120 characters, phone 6–20 characters of digits, spaces and + . - ( ), an e-mail address's shape,
an agency of the plan or a unit registered for it; setting needs an administrator (or the server's
operator at the command line). No Streamlit here: the page and `python -m indicators reminders`
both call this module."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from indicators import fmt, periods, reporting
from indicators.errors import PermissionDenied, Problem, UsageError
from indicators.models import Plan, Target
from indicators.reporting import LATE, MISSING, NOT_DUE

DEFAULT_DAYS = 14  # a report whose deadline falls within this many days after D is "due soon"
MAX_DAYS = 366
ORDER = (MISSING, NOT_DUE, LATE)
LABEL = {MISSING: reporting.STATE_LABEL[MISSING], NOT_DUE: "Sắp đến hạn", LATE: reporting.STATE_LABEL[LATE]}
SYMBOL = {MISSING: reporting.STATE_SYMBOL[MISSING], NOT_DUE: "⏳", LATE: reporting.STATE_SYMBOL[LATE]}

PERSON_MAX = 120
PHONE_MIN, PHONE_MAX = 6, 20
EMAIL_MAX = 254
_PHONE = re.compile(r"^[0-9 +.\-()]+$")
_EMAIL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


# ---------------------------------------------------------------------------------------------
# The date of a reminder


def parse_date(text: str | date | None) -> date:
    """'2026-07-10' or '10/07/2026' (also '10/7/2026', '10-07-2026', '10.07.2026') -> date;
    anything else is a UsageError with a Vietnamese message."""
    if isinstance(text, date):
        day = text.date() if isinstance(text, datetime) else text
        if not 2000 <= day.year <= 2100:
            raise UsageError(f"Ngày {day.strftime('%d/%m/%Y')} nằm ngoài khoảng năm 2000–2100.", "Chọn một ngày khác.")
        return day
    raw = str(text or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    parts = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    if parts is None:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", raw)
        parts = (int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None
    hint = "Ghi ngày theo dạng năm-tháng-ngày (2026-07-10) hoặc ngày/tháng/năm (10/07/2026)."
    if parts is None:
        raise UsageError(f"Ngày \"{raw}\" không đọc được.", hint)
    try:
        day = date(*parts)
    except ValueError:
        raise UsageError(f"Ngày \"{raw}\" không có trên lịch.", hint) from None
    if not 2000 <= day.year <= 2100:  # also keeps date + window inside the calendar
        raise UsageError(f"Ngày \"{raw}\" nằm ngoài khoảng năm 2000–2100.", hint)
    return day


def check_days(value) -> int:
    """The window of "due soon", in days: a whole number from 0 to MAX_DAYS."""
    text = str(value).strip()
    n = int(text) if re.fullmatch(r"[0-9]{1,4}", text) else None  # ASCII digits only ("²".isdigit() is True)
    if n is None or not 0 <= n <= MAX_DAYS:
        raise UsageError(f"Số ngày \"{value}\" không hợp lệ: cần một số nguyên từ 0 đến {MAX_DAYS}.",
                         f"Ví dụ --days {DEFAULT_DAYS}: nhắc cả những báo cáo đến hạn trong {DEFAULT_DAYS} ngày tới.")
    return n


# ---------------------------------------------------------------------------------------------
# What each agency is reminded of


@dataclass(frozen=True)
class Item:
    """One report an agency is reminded of."""

    period: str
    state: str  # reporting.MISSING / NOT_DUE / LATE
    deadline: date | None
    due: date  # the deadline, or the period's end when the period has none (a missing report only)
    days: int  # MISSING: days overdue on D; NOT_DUE: days left (0 = D is the deadline); LATE: days late
    received_at: datetime | None = None
    is_demo: bool = False

    @property
    def period_label(self) -> str:
        return periods.label(self.period)

    @property
    def label(self) -> str:
        return LABEL[self.state]

    @property
    def due_text(self) -> str:
        """'hạn nộp 10/05/2026', or for a period without a deadline 'kỳ kết thúc 31/12/2025'."""
        return f"hạn nộp {fmt.day(self.deadline)}" if self.deadline else f"kỳ kết thúc {fmt.day(self.due)}"

    @property
    def days_text(self) -> str:
        """'quá hạn 12 ngày', 'còn 5 ngày', 'đến hạn ngay trong ngày', 'nộp ngày 13/05/2026, muộn 3 ngày'."""
        if self.state == MISSING:
            return f"quá hạn {fmt.num(self.days)} ngày"
        if self.state == NOT_DUE:
            return "đến hạn ngay trong ngày" if self.days == 0 else f"còn {fmt.num(self.days)} ngày"
        return f"nộp ngày {fmt.day(self.received_at)}, muộn {fmt.num(self.days)} ngày"


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str = ""

    @property
    def text(self) -> str:
        return f"{self.name} ({self.display_name})" if self.display_name else self.name


@dataclass(frozen=True)
class Contact:
    person: str = ""
    phone: str = ""
    email: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None

    @property
    def text(self) -> str:
        """'Nguyễn Văn A, ĐT 0212 3851 234, a@syt.sonla.gov.vn' (only the parts recorded)."""
        parts = [self.person] if self.person else []
        if self.phone:
            parts.append(f"ĐT {self.phone}")
        if self.email:
            parts.append(self.email)
        return ", ".join(parts)


@dataclass(frozen=True)
class AgencyReminder:
    agency: str
    items: list[Item]
    roles: tuple[str, ...] = ()
    contact: Contact | None = None
    accounts: list[Account] = field(default_factory=list)

    def of(self, state: str) -> list[Item]:
        return [i for i in self.items if i.state == state]

    @property
    def states(self) -> set[str]:
        return {i.state for i in self.items}


@dataclass(frozen=True)
class Reminders:
    plan: Plan
    on: date
    days: int
    agencies: list[AgencyReminder]
    has_demo: bool = False

    def counts(self) -> dict[str, int]:
        """Reports per state (MISSING, NOT_DUE, LATE)."""
        return {s: sum(len(a.of(s)) for a in self.agencies) for s in ORDER}

    def agency(self, name: str) -> AgencyReminder | None:
        return next((a for a in self.agencies if a.agency == name), None)

    def as_dict(self) -> dict:
        return {
            "plan": self.plan.slug, "plan_title": self.plan.title, "date": self.on.isoformat(), "days": self.days,
            "demo": self.has_demo, "counts": self.counts(),
            "agencies": [{
                "agency": a.agency, "roles": list(a.roles),
                "contact": ({"person": a.contact.person, "phone": a.contact.phone, "email": a.contact.email}
                            if a.contact else None),
                "accounts": [{"name": x.name, "display_name": x.display_name} for x in a.accounts],
                "reports": [{"period": i.period, "period_label": i.period_label, "state": i.state,
                             "state_label": i.label, "deadline": i.deadline.isoformat() if i.deadline else None,
                             "due": i.due.isoformat(), "days": i.days,
                             "received_at": i.received_at.isoformat() if i.received_at else None,
                             "is_demo": i.is_demo} for i in a.items],
            } for a in self.agencies],
        }


def item_of(r: reporting.ExpectedReport, on: date, days: int) -> Item | None:
    """The reminder one expected report gives on date `on` (None: nothing to remind of)."""
    if r.state == MISSING:
        due = r.deadline or periods.parse(r.period).end
        return Item(r.period, MISSING, r.deadline, due, (on - due).days, None, r.is_demo)
    if r.state == NOT_DUE:
        if r.deadline is None or not on <= r.deadline or (r.deadline - on).days > days:
            return None
        return Item(r.period, NOT_DUE, r.deadline, r.deadline, (r.deadline - on).days, None, r.is_demo)
    if r.state == LATE:
        return Item(r.period, LATE, r.deadline, r.deadline, r.days_late or 0, r.received_at, r.is_demo)
    return None


def _item_order(i: Item) -> tuple:
    if i.state == MISSING:
        return (0, -i.days, i.due)
    if i.state == NOT_DUE:
        return (1, i.days, i.due)
    return (2, i.due, -i.days)


def _accounts(users: list[dict], slug: str) -> dict[str, list[Account]]:
    """agency -> the enabled accounts assigned to it for the plan (store.users() rows)."""
    out: dict[str, list[Account]] = {}
    for u in users:
        if u.get("disabled"):
            continue
        for plan, agency in u.get("agencies") or ():
            if plan == slug:
                out.setdefault(agency, []).append(Account(u["name"], u.get("display_name") or ""))
    return out


def build(plan: Plan, targets: list[Target], receipts, on: date, *, days: int = DEFAULT_DAYS,
          contacts: dict[str, dict] | None = None, users: list[dict] = (), has_demo: bool = False) -> Reminders:
    """The reminders of a plan on date `on`, from its submissions or their receipts (what
    reporting.expected_reports takes), the scope's contacts (Store.agency_contacts) and the accounts
    (Store.users). Pure: every rule is testable without a database."""
    days = check_days(days)
    on = parse_date(on)
    reports = reporting.expected_reports(plan, targets, receipts, on)
    per: dict[str, list[Item]] = {}
    roles: dict[str, tuple[str, ...]] = {}
    for r in reports:
        it = item_of(r, on, days)
        if it is not None:
            per.setdefault(r.agency, []).append(it)
            roles[r.agency] = r.roles
    contacts = contacts or {}
    accounts = _accounts(list(users), plan.slug)
    out = []
    for name in sorted(per, key=reporting.vi_key):
        c = contacts.get(name)
        contact = (Contact(c.get("person") or "", c.get("phone") or "", c.get("email") or "", c.get("updated_by") or "",
                           c.get("updated_at")) if c and (c.get("person") or c.get("phone") or c.get("email")) else None)
        out.append(AgencyReminder(name, sorted(per[name], key=_item_order), roles[name], contact,
                                  sorted(accounts.get(name, []), key=lambda a: a.name)))
    return Reminders(plan, on, days, out, has_demo or any(i.is_demo for a in out for i in a.items))


def reminders(store, slug: str, on: date, days: int = DEFAULT_DAYS) -> Reminders:
    """The reminders of a plan on date `on`, read from the store."""
    plan = store.plan(slug)  # NotFound names the known plans
    return build(plan, store.targets(slug), store.receipts(slug), on, days=days,
                 contacts=store.agency_contacts(plan.scope), users=store.users(), has_demo=store.has_demo(slug))


# ---------------------------------------------------------------------------------------------
# The letter (plain text, Vietnamese administrative style)


def admin_date(d: date) -> str:
    """'ngày 05 tháng 02 năm 2026', 'ngày 26 tháng 11 năm 2026': a day below 10 and the months 1 and 2
    take a leading zero (Nghị định 30/2020/NĐ-CP, thể thức văn bản hành chính)."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def place(plan: Plan) -> str:
    """Where the letter is written: the place of the plan's own date line ('Sơn La, ngày …'), else
    its province ('Toàn quốc' is no place: Hà Nội)."""
    name = plan.doc_date.split(",")[0].strip() if "," in plan.doc_date else ""
    name = name or plan.province
    return "Hà Nội" if not name or name.casefold() == "toàn quốc" else name


def _doc_number(plan: Plan) -> str:
    """'12/KH-UBND' from 'Số: 12/KH-UBND'; '' when the number is left blank ('Số: /KH-UBND')."""
    text = re.sub(r"^\s*số\s*:?\s*", "", plan.doc_number or "", flags=re.IGNORECASE).strip()
    return text if re.match(r"^\d", text) else ""


def _doc_day(plan: Plan) -> date | None:
    """The plan's date from 'Hà Nội, ngày 07 tháng 01 năm 2021'; None when a part is left blank."""
    m = re.search(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", plan.doc_date or "")
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def basis(plan: Plan) -> str:
    """'Căn cứ Kế hoạch số 12/KH-UBND ngày 05/01/2026 của UBND tỉnh Sơn La về thực hiện công tác …'
    from the plan's title, number, date and issuer (what is blank in the catalogue is left out)."""
    number, day = _doc_number(plan), _doc_day(plan)
    ref = (f" số {number}" if number else "") + (f" ngày {fmt.day(day)}" if day else "")
    title = plan.title.strip()
    code = number.split("/")[1].split("-")[0].upper() if "/" in number else ""
    if code == "QĐ" or (code == "" and title.startswith("Quyết định")):
        subject = title[len("Quyết định"):].strip() if title.startswith("Quyết định") else f"phê duyệt {title}"
        return f"Căn cứ Quyết định{ref} của {plan.issuer} {subject}"
    if title.startswith("Kế hoạch "):
        subject = title[len("Kế hoạch "):].strip()
        return f"Căn cứ Kế hoạch{ref} của {plan.issuer} về {subject}"
    return f"Căn cứ {title}" + (f" ({ref.strip()})" if ref else "") + f" của {plan.issuer}"


def _heading(plan: Plan) -> list[str]:
    """The sender's heading: 'UBND TỈNH SƠN LA' above 'SỞ Y TẾ' when a provincial (or commune)
    people's committee issued the plan and its standing agency is one of its bodies."""
    sender = plan.standing_agency
    lines = []
    if plan.issuer.startswith("UBND ") and sender != plan.issuer:
        lines.append(plan.issuer.upper())
    lines.append(sender.upper())
    return lines


def letter(rem: Reminders, a: AgencyReminder) -> str:
    """The reminder to one agency as plain text (no Markdown), ready to paste into a letter or an
    e-mail: heading, date line, subject, "Kính gửi", basis, the reports by state with period,
    deadline and days, where to submit, the sender. Lines end with '\\n'."""
    plan, on = rem.plan, rem.on
    sender = plan.standing_agency
    lines: list[str] = []
    if rem.has_demo:
        lines += [f"[{fmt.DEMO_NOTE}]", ""]
    lines += _heading(plan) + [""]
    lines += ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
              f"{place(plan)}, {admin_date(on)}", "",
              f"V/v đôn đốc báo cáo kết quả thực hiện {plan.title.strip()}", "",
              f"Kính gửi: {a.agency}.", "",
              f"{basis(plan)};",
              f"Để tổng hợp, đánh giá kết quả thực hiện {plan.title.strip()}, {sender} đề nghị {a.agency} "
              f"thực hiện chế độ báo cáo như sau (tình hình tính đến ngày {fmt.day(on)}):", ""]
    n = 0
    sections = [
        (MISSING, "Báo cáo đã quá hạn nhưng chưa nhận được",
         "Đề nghị khẩn trương hoàn thành và gửi ngay các báo cáo trên."),
        (NOT_DUE, "Báo cáo sắp đến hạn",
         "Đề nghị chuẩn bị và gửi báo cáo đúng thời hạn."),
        (LATE, "Báo cáo đã nhận nhưng gửi sau thời hạn",
         "Đề nghị bảo đảm thời hạn báo cáo ở các kỳ tiếp theo."),
    ]
    for state, title, ask in sections:
        items = a.of(state)
        if not items:
            continue
        n += 1
        lines.append(f"{n}. {title}:")
        for i in items:
            lines.append(f"   - Báo cáo {i.period_label}: {i.due_text}, {i.days_text}.")
        lines.append(f"   {ask}")
        lines.append("")
    lines += ["Báo cáo lập theo biểu mẫu tải từ hệ thống theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em, nộp qua trang "
              "\"Nộp báo cáo\" của hệ thống bằng tài khoản cán bộ báo cáo của cơ quan"
              + (f" ({', '.join(x.name for x in a.accounts)})" if a.accounts else "") + ".",
              f"Đề nghị {a.agency} quan tâm, phối hợp thực hiện./.", "",
              "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "",
              sender.upper()]
    return "\n".join(lines) + "\n"


def file_stem(agency: str) -> str:
    """'Sở Giáo dục và Đào tạo' -> 'nhac-bao-cao-so-giao-duc-va-dao-tao' (ASCII, for any file system)."""
    return f"nhac-bao-cao-{fmt.ascii_slug(agency) or 'co-quan'}"


def text_files(rem: Reminders) -> dict[str, str]:
    """file name -> letter, one .txt per agency (names made unique)."""
    out: dict[str, str] = {}
    for a in rem.agencies:
        stem, k = file_stem(a.agency), 2
        name = f"{stem}.txt"
        while name in out:
            name, k = f"{stem}-{k}.txt", k + 1
        out[name] = letter(rem, a)
    return out


def text_bytes(text: str) -> bytes:
    """A letter as a Windows text file: UTF-8 with a byte-order mark, CRLF line ends (Notepad,
    Word and every mail client open it with the Vietnamese letters intact)."""
    return "\ufeff".encode() + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Contacts


@dataclass(frozen=True)
class ContactInput:
    agency: str
    person: str
    phone: str
    email: str

    @property
    def empty(self) -> bool:
        return not (self.person or self.phone or self.email)


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


_hidden = fmt.has_hidden


def contact_agencies(plan: Plan, registered: list[tuple[str, str]] = ()) -> list[str]:
    """The names a contact may be recorded for: the plan's agencies and the units registered for it."""
    return list(dict.fromkeys(plan.all_agencies() + [u for _, u in registered]))


def check_contact(plan: Plan, registered: list[tuple[str, str]], agency: str, person: str | None,
                  phone: str | None, email: str | None) -> ContactInput:
    """The contact as it will be recorded (spaces normalised, the agency spelt as on record), or a
    UsageError listing every problem."""
    from indicators.scopes import name_key

    problems: list[Problem] = []
    known = {name_key(n): n for n in contact_agencies(plan, registered)}
    name = known.get(name_key(agency or ""))
    if name is None:
        shown = list(known.values())
        listed = "; ".join(shown[:12]) + (f"; … ({fmt.num(len(shown))} tên)" if len(shown) > 12 else "")
        problems.append(Problem("cơ quan", f"Kế hoạch {plan.slug} không có cơ quan hay đơn vị \"{_clean(agency)}\".",
                                f"Ghi đúng tên như trong kế hoạch: {listed}."))
    person_, phone_, email_ = _clean(person), _clean(phone), _clean(email)
    for where, value in (("người liên hệ", person_), ("điện thoại", phone_), ("thư điện tử", email_)):
        if _hidden(value):
            problems.append(Problem(where, "Có ký tự ẩn (khoảng trắng không độ rộng, gạch nối mềm…).",
                                    "Gõ lại bằng bàn phím thay vì dán từ nơi khác."))
    if person_:
        if len(person_) > PERSON_MAX:
            problems.append(Problem("người liên hệ", f"Dài {len(person_)} ký tự (tối đa {PERSON_MAX}).",
                                    "Ghi họ tên và chức vụ ngắn gọn, ví dụ \"Nguyễn Văn A, chuyên viên\"."))
        elif person_.startswith(fmt.CSV_FORMULA_STARTS):
            problems.append(Problem("người liên hệ", f"Không được bắt đầu bằng {', '.join(fmt.FORMULA_STARTS)}.",
                                    "Bắt đầu bằng họ tên."))
    if phone_:
        digits = sum(ch.isdigit() for ch in phone_)
        if not _PHONE.match(phone_):
            problems.append(Problem("điện thoại", f"\"{phone_}\" chỉ được gồm chữ số, khoảng trắng và các dấu + . - ( ).",
                                    "Ví dụ 0212 3852 123 hoặc +84 912 345 678."))
        elif not PHONE_MIN <= len(phone_) <= PHONE_MAX or digits < PHONE_MIN:
            problems.append(Problem("điện thoại", f"\"{phone_}\" cần từ {PHONE_MIN} đến {PHONE_MAX} ký tự, "
                                    f"ít nhất {PHONE_MIN} chữ số.", "Ví dụ 0212 3852 123."))
    if email_:
        if len(email_) > EMAIL_MAX or not _EMAIL.match(email_):
            problems.append(Problem("thư điện tử", f"\"{fmt.clean_text(email_)[:80]}\" không phải địa chỉ thư điện tử.",
                                    "Ví dụ vanthu.syt@sonla.gov.vn (không dấu, không khoảng trắng)."))
    if problems:
        raise UsageError("Thông tin liên hệ chưa hợp lệ, chưa ghi gì.",
                         "Sửa các mục nêu trên rồi ghi lại. Để xóa thông tin liên hệ, để trống cả ba mục.", problems)
    return ContactInput(name, person_, phone_, email_)


def set_contact(store, slug: str, agency: str, *, person: str | None, phone: str | None, email: str | None,
                user: str | None = None, operator: str | None = None) -> tuple[ContactInput, bool]:
    """Record (all three empty: remove) an agency's contact for the plan's scope; audited by the store.
    `user`: a signed-in account, which must be an administrator; `operator`: the server's OS user
    (the command line run on the machine itself). Returns (what is recorded, whether it changed)."""
    from indicators import accounts

    plan = store.plan(slug)
    if user is not None:
        accounts.require_admin(store, user)
        actor = user
    elif operator:
        actor = accounts.operator(operator)
    else:
        raise PermissionDenied("Chưa đăng nhập: không được ghi thông tin liên hệ.", "Đăng nhập bằng tài khoản quản trị.")
    clean = check_contact(plan, store.registered_units(slug), agency, person, phone, email)
    old = store.agency_contacts(plan.scope).get(clean.agency)
    before = (old.get("person") or "", old.get("phone") or "", old.get("email") or "") if old else ("", "", "")
    if before == (clean.person, clean.phone, clean.email):
        return clean, False
    store.set_agency_contact(plan.scope, clean.agency, person=clean.person or None, phone=clean.phone or None,
                             email=clean.email or None, actor=actor)
    return clean, True
