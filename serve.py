"""The server entry: `streamlit run serve.py` (make run, the browser tests, the benchmark).

Streamlit's own ASGI app (st.App) serves app.py plus two routes of ours, because a Streamlit script
cannot set a cookie: the sign-in form (in the script) checks the password and hands the browser a
one-time ticket; GET /phien/vao exchanges it for a random session token in an HttpOnly cookie and
sends the browser on to the page it came from; GET or POST /phien/ra ends the account's sessions and
clears the cookie. The rules (hashes, expiry, safe return paths) live in indicators/accounts.py;
docs/sessions.md explains the design."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse
from starlette.routing import Route

from indicators import accounts
from indicators.settings import OVERVIEW_PATH, SESSION_COOKIE, SESSION_MAX_HOURS, SIGN_IN_PATH, SIGN_OUT_PATH, url_base

# app.py calls st.navigation, so pages/ is not Streamlit's legacy multipage folder. Streamlit decides
# that from the folder's mere existence when the first session of a process starts (before any
# st.navigation call), runs that session in the legacy mode and answers its deep link with the
# English "Page not found" dialog (streamlit/runtime/pages_manager.py, 1.67). Said once, here.
PagesManager.uses_pages_directory = False

os.environ["INDICATORS_SESSION_ROUTES"] = "1"  # tells pages/auth.py (same process) the routes are here

# Behind a reverse proxy under a path (server.baseUrlPath = "treem"), Streamlit serves everything
# under /treem: so do our routes, and a return address defaults to the app's first page there.
BASE = url_base(st.config.get_option("server.baseUrlPath"))
HOME = BASE + "/"


def _store():
    from pages import ui  # the process's one Store (st.cache_resource), shared with the script runs

    return ui.store()


def _https(request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _from_this_site(request) -> bool:
    """True only for the browser opening the route as a page, from a page of this site (our sign-in
    and sign-out send it there with window.location). Otherwise another site could make a browser
    redeem a ticket someone got for their own account (sign-in forgery) or sign a person out, and
    an image or fetch on one of our pages could do the same. Browsers send Sec-Fetch-*; one that does
    not (Safari before 16.4) must at least send a Referer on this host; a request with neither is
    refused (a page can suppress its Referer)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return (site == "same-origin" and request.headers.get("sec-fetch-mode", "navigate") == "navigate"
                and request.headers.get("sec-fetch-dest", "document") == "document")
    referer = urlsplit(request.headers.get("referer", ""))
    return referer.netloc == request.headers.get("host", "") != "" and referer.path.startswith(HOME)


def _redirect(request) -> RedirectResponse:
    response = RedirectResponse(accounts.safe_next(request.query_params.get("tiep", HOME), HOME), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def sign_in(request):
    """?ve=<ticket>&tiep=<path>: a valid ticket, from a page of this site -> the session cookie; then on
    to `tiep` (this site only)."""
    token = None
    if _from_this_site(request):
        token = await run_in_threadpool(accounts.redeem_ticket, _store(), request.query_params.get("ve", ""),
                                        user_agent=request.headers.get("user-agent"))
    response = _redirect(request)
    if token is not None:
        response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX_HOURS * 3600, path=HOME, httponly=True,
                            samesite="lax", secure=_https(request))
    return response


async def sign_out(request):
    """End every session of the cookie's account, clear the cookie, go on to `tiep` (this site only).
    Asked by another site: nothing ends."""
    response = _redirect(request)
    if not _from_this_site(request):
        return response
    await run_in_threadpool(accounts.end_session, _store(), request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path=HOME, httponly=True, samesite="lax", secure=_https(request))
    return response


async def overview(request):
    """The overview is the app's first page, at HOME; its own name opens it too (a copied link)."""
    query = request.url.query
    return RedirectResponse(HOME + (f"?{query}" if query else ""), status_code=308)


app = st.App("app.py", routes=[Route(BASE + SIGN_IN_PATH, sign_in, methods=["GET"]),
                               Route(BASE + SIGN_OUT_PATH, sign_out, methods=["GET", "POST"]),
                               Route(BASE + "/" + OVERVIEW_PATH, overview, methods=["GET"])])

if __name__ == "__main__":
    app.run()
