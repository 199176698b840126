"""Reminders (issue 15, indicators/reminders.py): the agencies reminded on a date are exactly those
the reporting page calls missing, due soon (not yet due, deadline within the window) or late on
that date; contacts; the letter; the Excel list and the texts; the command line; the page section."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from indicators import accounts, fmt, reminders, reporting
from indicators.errors import PermissionDenied, UsageError
from indicators.reporting import LATE, MISSING, NOT_DUE
from indicators.settings import now_local
from loaders.exports import reminders as files
from tests.helpers import ADMIN, LEADER, STAFF, cli_json, drawn, run_cli, snapshot

SON_LA = "son-la-2026"
VHTTDL, TU_PHAP, GDDT = "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp", "Sở Giáo dục và Đào tạo"


def page_says(plan, targets, receipts, on: date, days: int) -> set[tuple[str, str, str]]:
    """(agency, period, state) the reporting page's logic gives for date `on` and is a reminder:
    missing, late, or not yet due with a deadline within `days` days (the oracle, written apart)."""
    out = set()
    for r in reporting.expected_reports(plan, targets, receipts, on):
        due_soon = r.state == NOT_DUE and r.deadline is not None and on <= r.deadline <= on + timedelta(days=days)
        if r.state in (MISSING, LATE) or due_soon:
            out.add((r.agency, r.period, r.state))
    return out


def reminded(rem: reminders.Reminders) -> set[tuple[str, str, str]]:
    return {(a.agency, i.period, i.state) for a in rem.agencies for i in a.items}


def _sub(agency: str, period: str, when: datetime) -> dict:
    return {"plan": SON_LA, "agency": agency, "period": period, "received_at": when, "is_demo": False, "file_name": "bc.xlsx"}


@pytest.fixture
def son_la(catalogue):
    plan = catalogue[SON_LA]
    return plan, plan.measurable_targets()


# -- the rule, on hand-made submissions ------------------------------------------------------------


@pytest.mark.unit
def test_window_edges_and_states_on_hand_made_submissions(son_la):
    plan, targets = son_la  # 2026-H1 due 10/05/2026, 2026 due 05/11/2026
    subs = [_sub("Sở Y tế", "2026-H1", datetime(2026, 5, 9, 8)),          # on time: never reminded
            _sub(TU_PHAP, "2026-H1", datetime(2026, 5, 14, 10))]          # late by 4 days
    on = date(2026, 4, 26)  # the H1 deadline is 14 days away: inside the default window
    rem = reminders.build(plan, targets, subs, on)
    assert reminded(rem) == page_says(plan, targets, subs, on, reminders.DEFAULT_DAYS)
    by = {a.agency: a for a in rem.agencies}
    assert "Sở Y tế" not in by
    assert [(i.state, i.days) for i in by[TU_PHAP].items] == [(LATE, 4)]
    assert [(i.period, i.state, i.days) for i in by[VHTTDL].items] == [("2026-H1", NOT_DUE, 14)]
    # one day further from the deadline than the window: not due soon, not reminded
    assert not reminders.build(plan, targets, subs, on, days=13).agency(VHTTDL)
    # the deadline day itself is still "due soon" (0 days left); the day after, missing (1 day overdue)
    assert [(i.state, i.days) for i in reminders.build(plan, targets, subs, date(2026, 5, 10)).agency(VHTTDL).items] \
        == [(NOT_DUE, 0)]
    assert [(i.state, i.days) for i in reminders.build(plan, targets, subs, date(2026, 5, 11)).agency(VHTTDL).items] \
        == [(MISSING, 1)]
    # a missing report first, then the one due soon, within an agency
    late_year = reminders.build(plan, targets, subs, date(2026, 10, 30))
    assert [(i.period, i.state) for i in late_year.agency(VHTTDL).items] == [("2026-H1", MISSING), ("2026", NOT_DUE)]
    # agencies in Vietnamese order
    assert [a.agency for a in late_year.agencies] == sorted((a.agency for a in late_year.agencies), key=reporting.vi_key)


@pytest.mark.unit
def test_a_period_without_deadline_is_missing_after_its_end_and_never_due_soon(catalogue):
    plan = catalogue["qd23-2021-2030"]
    targets = plan.measurable_targets()
    for on in (date(2021, 12, 20), date(2021, 12, 31), date(2022, 1, 1), date(2026, 11, 26)):
        rem = reminders.build(plan, targets, [], on)
        assert reminded(rem) == page_says(plan, targets, [], on, reminders.DEFAULT_DAYS), on
    assert not reminders.build(plan, targets, [], date(2021, 12, 20)).agencies
    rem = reminders.build(plan, targets, [], date(2022, 1, 1))
    item = rem.agencies[0].items[0]
    assert (item.period, item.state, item.deadline, item.due, item.days) == ("2021", MISSING, None, date(2021, 12, 31), 1)
    assert item.due_text == "kỳ kết thúc 31/12/2021"


@pytest.mark.unit
@pytest.mark.parametrize("text, expected", [
    ("2026-07-10", date(2026, 7, 10)), ("10/07/2026", date(2026, 7, 10)), ("10/7/2026", date(2026, 7, 10)),
    (" 1.5.2026 ", date(2026, 5, 1)), ("29/02/2028", date(2028, 2, 29))])
def test_dates_iso_and_vietnamese(text, expected):
    assert reminders.parse_date(text) == expected


@pytest.mark.unit
@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "hôm qua", "", "07/10/26", "2026/07/10"])
def test_bad_dates_are_refused_in_vietnamese(text):
    with pytest.raises(UsageError) as exc:
        reminders.parse_date(text)
    assert "Ngày" in exc.value.message and "10/07/2026" in exc.value.hint


@pytest.mark.unit
def test_administrative_date_and_basis(catalogue):
    assert reminders.admin_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert reminders.admin_date(date(2026, 11, 26)) == "ngày 26 tháng 11 năm 2026"
    assert reminders.admin_date(date(2026, 3, 15)) == "ngày 15 tháng 3 năm 2026"
    son_la = catalogue[SON_LA]  # number and date left blank in the document: left out
    assert reminders.basis(son_la) == ("Căn cứ Kế hoạch của UBND tỉnh Sơn La về thực hiện công tác bảo vệ, "
                                       "chăm sóc trẻ em năm 2026")
    numbered = son_la.model_copy(update={"doc_number": "Số: 125/KH-UBND", "doc_date": "Sơn La, ngày 12 tháng 01 năm 2026"})
    assert reminders.basis(numbered).startswith("Căn cứ Kế hoạch số 125/KH-UBND ngày 12/01/2026 của UBND tỉnh Sơn La về ")
    assert reminders.basis(catalogue["qd23-2021-2030"]) == (
        "Căn cứ Quyết định số 23/QĐ-TTg ngày 07/01/2021 của Thủ tướng Chính phủ phê duyệt Chương trình hành động "
        "quốc gia vì trẻ em giai đoạn 2021 - 2030")
    assert reminders.place(son_la) == "Sơn La" and reminders.place(catalogue["qd23-2021-2030"]) == "Hà Nội"


@pytest.mark.unit
def test_letter_names_the_agency_periods_deadlines_and_sender(son_la):
    plan, targets = son_la
    subs = [_sub(TU_PHAP, "2026-H1", datetime(2026, 5, 14, 10))]
    rem = reminders.build(plan, targets, subs, date(2026, 7, 10),
                          contacts={VHTTDL: {"person": "Lò Văn Minh", "phone": "0212 3855 111", "email": "minh@sonla.gov.vn"}},
                          users=[{"name": "cb.vhttdl", "display_name": "Lò Văn Minh", "disabled": False,
                                  "agencies": [(SON_LA, VHTTDL)]},
                                 {"name": "cu.vhttdl", "display_name": "", "disabled": True, "agencies": [(SON_LA, VHTTDL)]}])
    a = rem.agency(VHTTDL)
    assert a.contact.text == "Lò Văn Minh, ĐT 0212 3855 111, minh@sonla.gov.vn"
    assert [x.name for x in a.accounts] == ["cb.vhttdl"]  # a disabled account is not offered
    text = reminders.letter(rem, a)
    assert "Kính gửi: Sở Văn hóa, Thể thao và Du lịch." in text
    assert "Sơn La, ngày 10 tháng 7 năm 2026" in text
    assert "Báo cáo 6 tháng đầu năm 2026: hạn nộp 10/05/2026, quá hạn 61 ngày." in text
    assert "Căn cứ Kế hoạch của UBND tỉnh Sơn La" in text and "Sở Y tế đề nghị" in text
    assert '"Nộp báo cáo"' in text and "cb.vhttdl" in text
    assert text.rstrip().endswith("SỞ Y TẾ") and text.splitlines()[0] == "UBND TỈNH SƠN LA"
    assert not re.search(r"\*\*|^#|`", text, re.M)  # plain text, no Markdown
    late = reminders.letter(rem, rem.agency(TU_PHAP))
    assert "nộp ngày 14/05/2026, muộn 4 ngày" in late and "kỳ tiếp theo" in late and "quá hạn" not in late
    raw = reminders.text_bytes(text)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\r\r" not in raw
    assert raw[3:].decode("utf-8").replace("\r\n", "\n") == text


# -- contacts ----------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("field, value, words", [
    ("person", "x" * 121, "tối đa 120"),
    ("person", "=HYPERLINK(\"http://x\")", "Không được bắt đầu"),
    ("phone", "0212-ABC-123", "chỉ được gồm chữ số"),
    ("phone", "12345", "từ 6 đến 20"),
    ("phone", "0" * 21, "từ 6 đến 20"),
    ("email", "khong-co-a-cong", "không phải địa chỉ"),
    ("email", "a b@sonla.gov.vn", "không phải địa chỉ"),
    ("email", "vanthu@sonla", "không phải địa chỉ"),
    ("person", "Nguyễn\u200bVăn A", "ký tự ẩn"),
])
def test_bad_contact_values_are_refused(catalogue, field, value, words):
    fields = {"person": "Nguyễn Văn A", "phone": "0212 3852 123", "email": "a@sonla.gov.vn"} | {field: value}
    with pytest.raises(UsageError) as exc:
        reminders.check_contact(catalogue[SON_LA], [], "Sở Y tế", **fields)
    assert any(words in p.message for p in exc.value.problems), [str(p) for p in exc.value.problems]


@pytest.mark.unit
def test_contact_agency_is_one_of_the_plan_and_spelt_as_on_record(catalogue):
    plan = catalogue[SON_LA]
    ok = reminders.check_contact(plan, [], "  sở  y TẾ ", " Nguyễn   Văn A ", "+84 (212) 385.2123", "A.B@SonLa.gov.vn")
    assert (ok.agency, ok.person, ok.phone, ok.email) == ("Sở Y tế", "Nguyễn Văn A", "+84 (212) 385.2123", "A.B@SonLa.gov.vn")
    assert reminders.check_contact(plan, [("Sở Y tế", "UBND xã Chiềng Sinh")], "UBND xã Chiềng Sinh", "", "", "").empty
    with pytest.raises(UsageError) as exc:
        reminders.check_contact(plan, [], "Sở Ngoại vụ", "A", "", "")
    assert "không có cơ quan" in exc.value.problems[0].message and "Sở Y tế" in exc.value.problems[0].hint


@pytest.mark.store
def test_contacts_are_recorded_by_an_administrator_shown_and_removed(demo_store):
    on = date(2026, 7, 10)
    reminders.set_contact(demo_store, SON_LA, VHTTDL, person="Lò Văn Minh", phone="0212 3855 111", email="", user=ADMIN)
    rem = reminders.reminders(demo_store, SON_LA, on)
    assert rem.agency(VHTTDL).contact.text == "Lò Văn Minh, ĐT 0212 3855 111"
    assert rem.agency(TU_PHAP).contact is None
    audit = demo_store.audit_trail(action="contact.set")
    assert audit and audit[0]["actor"] == ADMIN
    # an unchanged contact writes nothing; all three empty removes it
    assert reminders.set_contact(demo_store, SON_LA, VHTTDL, person="Lò Văn Minh", phone="0212 3855 111", email=None,
                                 user=ADMIN)[1] is False
    reminders.set_contact(demo_store, SON_LA, VHTTDL, person="", phone="", email="", operator="vanthu")
    assert reminders.reminders(demo_store, SON_LA, on).agency(VHTTDL).contact is None
    assert demo_store.audit_trail(action="contact.set")[0]["actor"] == "máy chủ:vanthu"


@pytest.mark.store
@pytest.mark.parametrize("who, fields, error", [
    ({"user": STAFF}, {"person": "Lò Văn Minh", "phone": "0212 3855 111", "email": ""}, PermissionDenied),
    ({"user": LEADER}, {"person": "Lò Văn Minh", "phone": "", "email": ""}, PermissionDenied),
    ({}, {"person": "Lò Văn Minh", "phone": "", "email": ""}, PermissionDenied),
    ({"user": ADMIN}, {"person": "Lò Văn Minh", "phone": "abc", "email": "x@"}, UsageError),
])
def test_refused_contacts_change_nothing(demo_store, who, fields, error):
    before = snapshot(demo_store)
    with pytest.raises(error):
        reminders.set_contact(demo_store, SON_LA, VHTTDL, **fields, **who)
    assert snapshot(demo_store) == before


# -- the demo database: the same agencies as the reporting page, at several dates --------------


@pytest.mark.store
def test_reminded_agencies_are_what_the_reporting_page_calls_due_late_or_missing(demo_store):
    today = now_local().date()
    for plan in demo_store.plans():
        targets, receipts = demo_store.targets(plan.slug), demo_store.receipts(plan.slug)
        dates = {today}
        for p in plan.periods:
            if p.deadline:  # before a deadline (outside, at the edge of and inside the window), on it, after it
                dates |= {p.deadline + timedelta(days=k) for k in (-30, -15, -14, -1, 0, 1, 60)}
        for on in sorted(dates):
            for days in (0, 14, 30):
                rem = reminders.reminders(demo_store, plan.slug, on, days)
                expected = page_says(plan, targets, receipts, on, days)
                assert reminded(rem) == expected, (plan.slug, on, days)
                assert [a.agency for a in rem.agencies] == sorted({x[0] for x in expected}, key=reporting.vi_key)


@pytest.mark.store
def test_demo_son_la_before_between_and_after_the_first_deadline(demo_store):
    def states(on, days=14):
        return {a.agency: [(i.period, i.state, i.days) for i in a.items]
                for a in reminders.reminders(demo_store, SON_LA, on, days).agencies}

    # before the H1 deadline (10/05/2026): Văn hóa has not reported, 9 days left
    assert states(date(2026, 5, 1))[VHTTDL] == [("2026-H1", NOT_DUE, 9)]
    assert VHTTDL not in states(date(2026, 5, 1), days=8)
    # between the two deadlines: overdue 61 days; Tư pháp was 4 days late (the page's "Nộp muộn")
    between = states(date(2026, 7, 10))
    assert between[VHTTDL] == [("2026-H1", MISSING, 61)] and between[TU_PHAP] == [("2026-H1", LATE, 4)]
    # after the annual deadline: Giáo dục's annual report came 9 days late
    after = states(date(2026, 11, 26))
    assert set(after) == {GDDT, TU_PHAP, VHTTDL} and after[GDDT] == [("2026", LATE, 9)]


# -- the files -----------------------------------------------------------------------------------


@pytest.mark.store
def test_excel_list_reads_back(demo_store):
    reminders.set_contact(demo_store, SON_LA, VHTTDL, person="Lò Văn Minh", phone="+84 212 3855 111",
                          email="minh@sonla.gov.vn", user=ADMIN)
    rem = reminders.reminders(demo_store, SON_LA, date(2026, 7, 10))
    wb = openpyxl.load_workbook(io.BytesIO(files.excel(rem)))
    assert wb.sheetnames == [files.SHEET]
    ws = wb[files.SHEET]
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Cơ quan")
    assert [ws.cell(head, c).value for c in range(1, len(files.HEADERS) + 1)] == files.HEADERS
    assert ws.freeze_panes == f"B{head + 1}" and ws.page_setup.orientation == "landscape"
    assert any("DỮ LIỆU MINH HỌA" in str(ws.cell(r, 1).value) for r in range(1, head))
    rows = [[ws.cell(r, c).value for c in range(1, len(files.HEADERS) + 1)] for r in range(head + 1, ws.max_row + 1)]
    assert [(r[0], r[4]) for r in rows] == [(a.agency, i.label) for a in rem.agencies for i in a.items]
    vh = next(r for r in rows if r[0] == VHTTDL)
    assert vh[2] == "6 tháng đầu năm 2026" and vh[3] == datetime(2026, 5, 10) and vh[5] == 61
    assert ws.cell(head + 1 + rows.index(vh), 4).number_format == files.DATE_FORMAT
    assert vh[6].startswith("Quá hạn 61 ngày") and vh[7:10] == ["Lò Văn Minh", "+84 212 3855 111", "minh@sonla.gov.vn"]
    assert ws.cell(head + 1 + rows.index(vh), 9).data_type == "s"  # "+84…" stays text, never a formula
    assert all(ws.row_dimensions[r].height for r in range(head + 1, ws.max_row + 1))


@pytest.mark.store
def test_texts_zip_has_one_letter_per_agency(demo_store):
    rem = reminders.reminders(demo_store, SON_LA, date(2026, 7, 10))
    with zipfile.ZipFile(io.BytesIO(files.texts_zip(rem))) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted([f"{reminders.file_stem(a.agency)}.txt" for a in rem.agencies] + ["tat-ca.txt"])
        text = zf.read("nhac-bao-cao-so-van-hoa-the-thao-va-du-lich.txt").decode("utf-8-sig")
    assert "Kính gửi: Sở Văn hóa, Thể thao và Du lịch." in text and "hạn nộp 10/05/2026" in text
    assert "6 tháng đầu năm 2026" in text and "\r\n" in text


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def db(demo_db, tmp_path):
    path = tmp_path / "cli.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.mark.store
def test_cli_reminders_text_json_and_both_date_forms(db):
    iso = run_cli("reminders", SON_LA, "--date", "2026-07-10", db=db)
    assert iso.returncode == 0, iso.stderr
    assert run_cli("reminders", SON_LA, "--date", "10/07/2026", db=db).stdout == iso.stdout
    for name in (GDDT, TU_PHAP, VHTTDL):
        assert f"\n{name}\n" in iso.stdout
    assert "quá hạn 61 ngày" in iso.stdout and "hạn nộp 10/05/2026" in iso.stdout and "DỮ LIỆU MINH HỌA" in iso.stdout
    data = cli_json("reminders", SON_LA, "--date", "2026-07-10", db=db)
    assert data["date"] == "2026-07-10" and data["days"] == 14
    assert [a["agency"] for a in data["agencies"]] == [GDDT, TU_PHAP, VHTTDL]
    vh = data["agencies"][2]["reports"][0]
    assert (vh["period"], vh["state"], vh["deadline"], vh["days"]) == ("2026-H1", MISSING, "2026-05-10", 61)
    few = cli_json("reminders", SON_LA, "--date", "2026-05-01", "--days", "8", db=db)
    assert VHTTDL not in [a["agency"] for a in few["agencies"]]


@pytest.mark.store
def test_cli_reminders_writes_excel_and_letters(db, tmp_path):
    out, texts = tmp_path / "ra" / "nhac.xlsx", tmp_path / "thu"
    done = run_cli("reminders", SON_LA, "--date", "2026-07-10", "-o", out, "--texts", texts, db=db)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out)[files.SHEET]
    letters = sorted(p.name for p in texts.iterdir())
    assert letters == sorted(f"{reminders.file_stem(n)}.txt" for n in (GDDT, TU_PHAP, VHTTDL))
    text = (texts / "nhac-bao-cao-so-tu-phap.txt").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and "Kính gửi: Sở Tư pháp." in text.decode("utf-8-sig")


@pytest.mark.store
@pytest.mark.parametrize("args, words", [
    (["--date", "31/02/2026"], "không có trên lịch"),
    (["--date", "hôm qua"], "không đọc được"),
    (["--date", "2026-07-10", "--days", "-1"], "Số ngày"),
    (["--date", "2026-07-10", "--days", "nhiều"], "Số ngày"),
])
def test_cli_bad_arguments_exit_2_and_write_nothing(db, tmp_path, args, words):
    out, texts = tmp_path / "nhac.xlsx", tmp_path / "thu"
    done = run_cli("reminders", SON_LA, *args, "-o", out, "--texts", texts, db=db)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert "Cách khắc phục" in done.stderr
    assert not out.exists() and not texts.exists()


@pytest.mark.store
def test_cli_reminders_usage_errors(db, tmp_path):
    wrong = run_cli("reminders", SON_LA, "-o", tmp_path / "nhac.csv", db=db)
    assert wrong.returncode == 2 and ".xlsx" in wrong.stderr and not (tmp_path / "nhac.csv").exists()
    unknown = run_cli("reminders", "khong-co", "--date", "2026-07-10", db=db)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


@pytest.mark.store
def test_cli_contacts_set_list_and_refuse(db):
    done = run_cli("contacts", SON_LA, "--agency", "sở văn hóa, thể thao và du lịch", "--person", "Lò Văn Minh",
                   "--phone", "0212 3855 111", db=db)
    assert done.returncode == 0, done.stderr
    assert "Đã ghi thông tin liên hệ của Sở Văn hóa, Thể thao và Du lịch" in done.stdout
    # an option not given keeps the recorded value
    assert run_cli("contacts", SON_LA, "--agency", VHTTDL, "--email", "minh@sonla.gov.vn", "--as", ADMIN,
                   db=db).returncode == 0
    listed = cli_json("contacts", SON_LA, db=db)
    row = next(r for r in listed["contacts"] if r["agency"] == VHTTDL)
    assert (row["person"], row["phone"], row["email"], row["updated_by"]) == (
        "Lò Văn Minh", "0212 3855 111", "minh@sonla.gov.vn", ADMIN)
    reminded_ = run_cli("reminders", SON_LA, "--date", "2026-07-10", db=db)
    assert "Liên hệ: Lò Văn Minh, ĐT 0212 3855 111, minh@sonla.gov.vn" in reminded_.stdout
    staff = run_cli("contacts", SON_LA, "--agency", VHTTDL, "--phone", "0999 999 999", "--as", STAFF, db=db)
    assert staff.returncode == 1 and "quản trị" in staff.stderr
    bad = run_cli("contacts", SON_LA, "--agency", VHTTDL, "--phone", "gọi tôi", "--email", "x@", db=db)
    assert bad.returncode == 2 and "điện thoại" in bad.stderr and "thư điện tử" in bad.stderr
    unknown = run_cli("contacts", SON_LA, "--agency", "Sở Ngoại vụ", "--person", "A", db=db)
    assert unknown.returncode == 2
    assert run_cli("contacts", SON_LA, "--person", "A", db=db).returncode == 2  # which agency?
    row = next(r for r in cli_json("contacts", SON_LA, db=db)["contacts"] if r["agency"] == VHTTDL)
    assert row["phone"] == "0212 3855 111"  # the refused commands changed nothing
    gone = run_cli("contacts", SON_LA, "--agency", VHTTDL, "--remove", db=db)
    assert gone.returncode == 0 and "Đã xóa" in gone.stdout
    assert "chưa ghi" in run_cli("contacts", SON_LA, "--agency", VHTTDL, db=db).stdout


# -- the page section ----------------------------------------------------------------------------


def _section_agencies(at) -> list[str]:
    text = "\n".join(m.value for m in drawn(at))
    return re.findall(r'<tr class="group" data-agency="([^"]+)"', text)


@pytest.mark.app
def test_page_section_lists_the_same_agencies_as_the_reporting_page(demo_store, make_app):
    plan, targets, receipts = demo_store.plan(SON_LA), demo_store.targets(SON_LA), demo_store.receipts(SON_LA)
    today = now_local().date()
    expected_today = sorted({x[0] for x in page_says(plan, targets, receipts, today, 14)}, key=reporting.vi_key)
    expected_may = sorted({x[0] for x in page_says(plan, targets, receipts, date(2026, 5, 1), 14)}, key=reporting.vi_key)
    demo_store.close()
    at = make_app(demo_store.location, user=LEADER, _plan=SON_LA, _period={SON_LA: "2026-H1"})
    at.run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Nhắc báo cáo" in m.value for m in drawn(at))
    assert _section_agencies(at) == expected_today
    # the period table above: every agency it shows missing or late is reminded
    table = dict(re.findall(r'<tr data-agency="([^"]+)" data-state="(\w+)"', "\n".join(m.value for m in drawn(at))))
    assert {a for a, s in table.items() if s in (MISSING, LATE)} <= set(expected_today)
    labels = [b.label for b in at.get("download_button")]
    assert any("Excel" in x for x in labels) and any(".zip" in x for x in labels)
    assert at.code and f"Kính gửi: {expected_today[0]}." in at.code[0].value
    at.date_input(key=f"remind_date_{SON_LA}").set_value(date(2026, 5, 1)).run()
    assert not at.exception
    assert _section_agencies(at) == expected_may
    at.selectbox(key=f"remind_agency_{SON_LA}").select(VHTTDL).run()
    assert "hạn nộp 10/05/2026, còn 9 ngày" in at.code[0].value


@pytest.mark.app
def test_page_section_needs_sign_in_and_admins_record_contacts(demo_store, make_app):
    demo_store.set_setting(accounts.OPEN_READING, "1", actor="kiem-thu")
    demo_store.close()
    at = make_app(demo_store.location)  # reading without signing in: no contacts, no letters
    at.run()
    at.switch_page("pages/reporting.py").run()
    assert not at.exception
    assert not _section_agencies(at) and any("Đăng nhập để xem" in c.value for c in at.caption)
    at = make_app(user=ADMIN, _plan=SON_LA)
    at.run()
    at.switch_page("pages/reporting.py").run()
    at.selectbox(key=f"remind_contact_agency_{SON_LA}").select(VHTTDL).run()
    k = f"{SON_LA}_{fmt.ascii_slug(VHTTDL)}"
    at.text_input(key=f"remind_person_{k}").input("Lò Văn Minh")
    at.text_input(key=f"remind_phone_{k}").input("0212 3855 111")
    at.button(key=f"remind_save_{k}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Đã lưu thông tin liên hệ" in s.value for s in at.success)
    text = "\n".join(m.value for m in drawn(at))
    assert "liên hệ: Lò Văn Minh, ĐT 0212 3855 111" in text
    at.text_input(key=f"remind_phone_{k}").input("gọi tôi")
    at.button(key=f"remind_save_{k}").click().run()
    assert any("chưa hợp lệ" in e.value for e in at.error)
    assert "liên hệ: Lò Văn Minh, ĐT 0212 3855 111" in "\n".join(m.value for m in drawn(at))
