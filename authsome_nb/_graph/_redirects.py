"""Following redirects without handing a request's body or bearer to someone else.

httpx keeps the body of a 307/308 redirect whatever the target, so a ``POST /me/sendMail``
answered ``307 Location: https://elsewhere.example/…`` (a misconfigured proxy, a hostile
network) would post the mail there.  Redirects are therefore followed here, in the auth flow,
with these rules:

* The bearer is never copied: the auth flow adds it again only for the provider's API hosts
  over https (a redirect to another host or to http goes without it).
* A body follows a 307/308 only to the same origin (scheme, host and port) over https;
  anywhere else the redirect is refused with a :class:`GraphError` rather than followed
  without its body (which would be a different request).
* 301/302 turn a POST into a GET and 303 anything into a GET, without the body, as browsers
  and httpx do; those may go anywhere.
* At most :data:`MAX_REDIRECTS` in a row.
"""

from __future__ import annotations

import httpx

from ..errors import GraphError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 20
_BODY_HEADERS = ("content-length", "content-type", "transfer-encoding")
_PRIVATE_HEADERS = ("authorization", "cookie")


def redirect_request(response: httpx.Response, hops: int,
                     private: tuple[str, ...] = ()) -> httpx.Request | None:
    """The request a redirect ``response`` leads to, or None if it is not a redirect.
    ``private``: more headers never carried on (an API key's own header)."""
    if response.status_code not in REDIRECT_STATUSES or "location" not in response.headers:
        return None
    request = response.request
    if hops >= MAX_REDIRECTS:
        raise GraphError(f"{request.method} {request.url.path} was redirected more than "
                         f"{MAX_REDIRECTS} times", status=response.status_code,
                         code="tooManyRedirects", remedy="check the provider's api_base")
    target = request.url.join(response.headers["location"])
    method = request.method
    status = response.status_code
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method = "GET"
    headers = httpx.Headers({k: v for k, v in request.headers.items()
                             if k.lower() not in _PRIVATE_HEADERS
                             and k.lower() not in private})
    headers["Host"] = target.netloc.decode("ascii")
    if method != request.method:
        for name in _BODY_HEADERS:
            headers.pop(name, None)
        return httpx.Request(method, target, headers=headers)
    try:
        content = request.content
    except httpx.RequestNotRead:
        raise GraphError(f"{request.method} {request.url.path} was redirected, and its streamed "
                         "body cannot be sent a second time", status=response.status_code,
                         code="unsafeRedirect", remedy="send the body as bytes (json= or "
                         "content=b'…') or call the URL it redirects to") from None
    if content and not _same_origin_https(request.url, target):
        raise GraphError(
            f"{request.method} {request.url.path} was answered {response.status_code} with a "
            f"redirect to {_origin(target)}: not followed, so the request's body stays here",
            status=response.status_code, code="unsafeRedirect",
            remedy="a proxy or network between you and Graph is redirecting requests; check the "
            "provider's api_base and your network (HTTPS_PROXY) before trying again")
    return httpx.Request(method, target, headers=headers, content=content or None)


def _same_origin_https(source: httpx.URL, target: httpx.URL) -> bool:
    return target.scheme == "https" and (source.scheme, source.host, source.port) == (
        target.scheme, target.host, target.port)


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
