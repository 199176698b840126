"""Sessions kept by the server (issue 16, docs/sessions.md): tokens stored only as hashes, one-time
tickets, idle and absolute expiry, the end of every session at sign-out, disabling and a password
reset, and the only places a sign-in may send the browser back to."""
from __future__ import annotations

from datetime import timedelta

import pytest

from indicators import accounts
from indicators.errors import PermissionDenied
from indicators.settings import IDLE_MINUTES, SESSION_MAX_HOURS, TICKET_SECONDS
from tests.helpers import ADMIN, LEADER, STAFF

def _signed_in(store, name=STAFF):
    ticket = accounts.new_ticket(store, name, accounts.session_clock())
    token = accounts.redeem_ticket(store, ticket, user_agent="kiem-thu")
    assert token
    return token


@pytest.mark.store
def test_a_ticket_gives_a_session_once_and_only_hashes_are_stored(demo_store):
    started = accounts.session_clock()
    ticket = accounts.new_ticket(demo_store, STAFF, started)
    token = accounts.redeem_ticket(demo_store, ticket)
    assert token and accounts.session_user(demo_store, token).name == STAFF
    assert accounts.redeem_ticket(demo_store, ticket) is None  # single use
    rows = demo_store._rows("SELECT * FROM sessions")
    stored = {str(v) for r in rows for v in r.values()}
    assert token not in stored and ticket not in stored  # no usable token in the database
    assert accounts.token_hash(token) in stored and len(rows) == 1 and rows[0]["kind"] == "session"
    assert rows[0]["created_at"] == started and rows[0]["user_agent"] is None


@pytest.mark.store
def test_an_expired_ticket_is_refused(demo_store):
    ticket = accounts.new_ticket(demo_store, STAFF, accounts.session_clock())
    later = accounts.session_clock() + timedelta(seconds=TICKET_SECONDS + 1)
    assert accounts.redeem_ticket(demo_store, ticket, now=later) is None
    assert accounts.redeem_ticket(demo_store, ticket) is None  # and gone


@pytest.mark.store
@pytest.mark.parametrize("forged", ["", None, "x" * 43, "a" * 500, "../../etc", "abc def ghi jkl mno pqr stu"])
def test_forged_tokens_and_tickets_are_refused(demo_store, forged):
    _signed_in(demo_store)
    assert accounts.session_user(demo_store, forged) is None
    assert accounts.redeem_ticket(demo_store, forged) is None


@pytest.mark.store
def test_the_hash_itself_is_not_a_token(demo_store):
    token = _signed_in(demo_store)
    assert accounts.session_user(demo_store, accounts.token_hash(token)) is None


@pytest.mark.store
def test_idle_and_too_old_sessions_end(demo_store):
    token = _signed_in(demo_store)
    idle = accounts.session_clock() + timedelta(minutes=IDLE_MINUTES + 1)
    with pytest.raises(PermissionDenied, match="không thao tác"):
        accounts.session_user(demo_store, token, now=idle)
    assert accounts.session_user(demo_store, token) is None  # removed
    token = _signed_in(demo_store)
    now = accounts.session_clock()
    step = timedelta(minutes=IDLE_MINUTES - 1)
    t = now
    while t + step < now + timedelta(hours=SESSION_MAX_HOURS):  # active all day long
        t += step
        assert accounts.session_user(demo_store, token, now=t).name == STAFF
    with pytest.raises(PermissionDenied, match="hết hạn"):
        accounts.session_user(demo_store, token, now=t + step)


@pytest.mark.store
def test_last_seen_is_written_at_most_once_a_minute(demo_store):
    token = _signed_in(demo_store)
    key = accounts.token_hash(token)
    first = demo_store.session(key)["last_seen_at"]
    accounts.session_user(demo_store, token, now=first + timedelta(seconds=10))
    assert demo_store.session(key)["last_seen_at"] == first
    later = first + timedelta(seconds=90)
    accounts.session_user(demo_store, token, now=later)
    assert demo_store.session(key)["last_seen_at"] == later


@pytest.mark.store
def test_sign_out_ends_every_session_of_the_account_only(demo_store):
    tab1, tab2, other = _signed_in(demo_store), _signed_in(demo_store), _signed_in(demo_store, LEADER)
    assert accounts.end_session(demo_store, tab1) == STAFF
    assert accounts.session_user(demo_store, tab2) is None
    assert accounts.session_user(demo_store, other).name == LEADER


@pytest.mark.store
@pytest.mark.parametrize("how", ["disable", "password"])
def test_disabling_or_a_password_reset_ends_the_sessions_at_their_next_action(demo_store, how):
    token = _signed_in(demo_store)
    pending = accounts.new_ticket(demo_store, STAFF, accounts.session_clock())  # signed in just now, not yet redeemed
    if how == "disable":
        accounts.disable(demo_store, STAFF, actor=ADMIN)
    else:
        accounts.set_password(demo_store, STAFF, "mot-cau-moi-de-nho-2027", actor=ADMIN)
    assert accounts.session_user(demo_store, token) is None
    assert accounts.redeem_ticket(demo_store, pending) is None
    assert not demo_store._rows("SELECT * FROM sessions WHERE name = ?", [STAFF])
    # the tab that was signed in is told why at its next action (the session's row is gone)
    notice = accounts.ended_notice(demo_store, STAFF)
    assert ("đã bị khóa bởi quản trị" in notice) == (how == "disable") and "ết thúc" in notice


@pytest.mark.store
def test_a_session_checked_after_a_reset_done_elsewhere_ends_with_the_notice(demo_store):
    token = _signed_in(demo_store)
    demo_store.update_user(STAFF, sessions_valid_from=accounts.session_clock())  # as an older release would
    with pytest.raises(PermissionDenied, match="đặt lại"):
        accounts.session_user(demo_store, token)


@pytest.mark.store
def test_renewing_keeps_the_own_session_after_an_own_reset(demo_store):
    mine, other = _signed_in(demo_store, ADMIN), _signed_in(demo_store, ADMIN)
    accounts.set_password(demo_store, ADMIN, "mot-cau-moi-de-nho-2027", actor=ADMIN)
    accounts.renew_session(demo_store, mine, ADMIN)
    assert accounts.session_user(demo_store, mine).name == ADMIN
    assert accounts.session_user(demo_store, other) is None


@pytest.mark.unit
@pytest.mark.parametrize("path, expected", [
    ("/chi-tiet-chi-tieu?ke-hoach=son-la-2026&ky=2026-H1&ma=3", "/chi-tiet-chi-tieu?ke-hoach=son-la-2026&ky=2026-H1&ma=3"),
    ("/", "/"), ("/tai-khoan", "/tai-khoan"),
    ("//evil.example", "/"), ("//evil.example/x", "/"), ("https://evil", "/"), ("http:/evil", "/"),
    ("/\\evil", "/"), ("\\\\evil", "/"), ("%2F%2Fevil", "/"), ("/%2F%2Fevil", "/"), ("/%2Fevil", "/"),
    ("/%5Cevil", "/"), ("/a\r\nSet-Cookie: x=1", "/"), ("/a%0d%0aLocation:%20//evil", "/"), ("", "/"), (None, "/"),
    ("javascript:alert(1)", "/"), (" /x", "/"), ("/" + "a" * 3000, "/"),
])
def test_only_paths_of_this_site_are_followed(path, expected):
    assert accounts.safe_next(path) == expected


@pytest.mark.unit
@pytest.mark.parametrize("path, home, expected", [
    ("/treem/chi-tiet-chi-tieu?ma=3", "/treem/", "/treem/chi-tiet-chi-tieu?ma=3"), ("/treem/", "/treem/", "/treem/"),
    ("/khac/ung-dung", "/treem/", "/treem/"), ("/treem/../khac", "/treem/", "/treem/"), ("/treem/%2E%2E/x", "/treem/", "/treem/"),
    ("/treem", "/treem/", "/treem/"), ("/treem/phien/vao?ve=abc", "/treem/", "/treem/"),
    # never the session routes or Streamlit's endpoints: a planted ticket would be redeemed after the person's own
    ("/phien/vao?ve=abc&tiep=/", "/", "/"), ("/phien/ra", "/", "/"), ("/%70hien/vao?ve=abc", "/", "/"),
    ("/_stcore/health", "/", "/"), ("/./phien/vao", "/", "/"), ("/chi-tiet-chi-tieu/../phien/ra", "/", "/"),
])
def test_only_pages_of_the_app_are_followed(path, home, expected):
    assert accounts.safe_next(path, home) == expected


@pytest.mark.unit
@pytest.mark.parametrize("option, base", [("", ""), (None, ""), ("treem", "/treem"), ("/treem/", "/treem"),
                                          (" tre-em/bao-cao ", "/tre-em/bao-cao")])
def test_the_base_path_prefix(option, base):
    from indicators.settings import url_base

    assert url_base(option) == base
