"""``GraphClient``: Microsoft Graph for notebooks — dicts, pages and DataFrames.

It is a thin layer on one ``httpx.Client`` (see :func:`authsome_nb._graph.client`) whose auth
flow injects and refreshes the bearer and retries throttled calls; this class adds paths and
OData options, paging, ``$batch`` and DataFrames, and turns error statuses into
:class:`~authsome_nb.errors.GraphError` with a remedy.  It holds no token itself.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from typing import TYPE_CHECKING, Any

import httpx

from .._tls import network_error
from ..errors import AuthsomeError
from . import _batch
from ._errors import graph_error
from ._frames import FrameBuilder
from ._odata import EVENTUAL_HEADER, needs_eventual_consistency, query_options, resolve_url
from ._paging import Page, iterate_pages
from ._retry import DEFAULT_POLICY, RetryPolicy

if TYPE_CHECKING:
    from .._session import Session


class GraphClient:
    """Microsoft Graph as ``connection`` of ``provider``; see ``an.graph()``.

    ``page_size`` becomes ``$top`` when a call gives none (``None``: Graph's default page).
    ``progress`` shows a bar on multi-page fetches in a notebook kernel (never in scripts).
    """

    def __init__(
        self,
        session: Session,
        connection: str = "default",
        *,
        provider: str = "microsoft",
        page_size: int | None = None,
        progress: bool = True,
        retry: RetryPolicy = DEFAULT_POLICY,
        **httpx_kwargs: Any,
    ) -> None:
        from .._providers import load_provider

        self.session = session
        self.provider = load_provider(provider, self.session.home)
        self.connection = connection
        self.page_size = page_size
        self.progress = progress
        self.retry = retry
        self._httpx_kwargs = httpx_kwargs
        self._http: httpx.Client | None = None

    def __repr__(self) -> str:
        return f"<GraphClient {self.provider.name}/{self.connection} {self.api_base}>"

    @property
    def api_base(self) -> str:
        return self.provider.api_base or "https://graph.microsoft.com/v1.0"

    @property
    def http(self) -> httpx.Client:
        """The underlying ``httpx.Client`` (bearer for the API hosts only); opened on first use."""
        if self._http is None or self._http.is_closed:
            from . import client

            self._http = client(
                self.session,
                self.provider.name,
                self.connection,
                retry=self.retry,
                **self._httpx_kwargs,
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # -- single calls --------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Any:
        """One call; returns the JSON answer, ``None`` when there is no body (202/204).

        Non-JSON answers (``/me/photo/$value``, a file's ``/content``) come back as bytes.
        """
        response = self._send(
            method,
            resolve_url(path, self.api_base),
            query_options(params),
            json=json,
            headers=headers,
        )
        if not response.content:
            return None
        if "json" in response.headers.get("Content-Type", "json"):
            return response.json()
        return response.content

    def get(self, path: str, **params: Any) -> Any:
        """``GET path`` with OData options as keywords (``select=[…]``, ``top=10`` …): its JSON."""
        return self.request("GET", path, **params)

    def post(self, path: str, json: Any = None, **params: Any) -> Any:
        return self.request("POST", path, json=json, **params)

    def patch(self, path: str, json: Any = None, **params: Any) -> Any:
        return self.request("PATCH", path, json=json, **params)

    def delete(self, path: str, **params: Any) -> Any:
        return self.request("DELETE", path, **params)

    # -- collections ---------------------------------------------------------------------
    def pages(
        self,
        path: str,
        *,
        select: str | Sequence[str] | None = None,
        filter: str | None = None,
        top: int | None = None,
        max_items: int | None = None,
        orderby: str | Sequence[str] | None = None,
        expand: str | Sequence[str] | None = None,
        search: str | None = None,
        progress: bool | None = None,
        **params: Any,
    ) -> Iterator[list[dict[str, Any]]]:
        """The items of ``path`` a page at a time (lists of dicts), following nextLinks.

        ``top`` is Graph's page size (``$top``); ``max_items`` stops after that many items.
        """
        for page in self._pages(
            path,
            select=select,
            filter=filter,
            top=top,
            max_items=max_items,
            orderby=orderby,
            expand=expand,
            search=search,
            progress=progress,
            **params,
        ):
            yield page.items

    def items(self, path: str, **options: Any) -> Iterator[dict[str, Any]]:
        """The items of ``path`` one by one (same options as :meth:`pages`)."""
        for page in self.pages(path, **options):
            yield from page

    def frame(
        self,
        path: str,
        *,
        select: str | Sequence[str] | None = None,
        filter: str | None = None,
        top: int | None = None,
        max_items: int | None = None,
        orderby: str | Sequence[str] | None = None,
        expand: str | Sequence[str] | None = None,
        search: str | None = None,
        progress: bool | None = None,
        **params: Any,
    ):
        """A DataFrame of every item of ``path`` (a single entity gives one row).

        Columns are flattened (``from.emailAddress.address``), dates are UTC datetimes, and an
        empty result keeps the selected columns.
        """
        builder = FrameBuilder(_names(select))
        for page in self._pages(
            path,
            select=select,
            filter=filter,
            top=top,
            max_items=max_items,
            orderby=orderby,
            expand=expand,
            search=search,
            progress=progress,
            **params,
        ):
            builder.add(page.items)
        return builder.build()

    def fetch(self, path: str, *, select: str | Sequence[str] | None = None, **options: Any):
        """What ``path`` holds: a DataFrame for a collection, a dict for a single entity.

        This is what ``%authsome graph`` and ``%%graph`` show; options as in :meth:`frame`.
        A single entity needs no pandas.
        """
        builder = FrameBuilder(_names(select))
        with closing(self._pages(path, select=select, **options)) as pages:
            for page in pages:
                if not page.is_collection:
                    return page.items[0] if page.items else None
                builder.add(page.items)
        return builder.build()

    def _pages(
        self,
        path: str,
        *,
        top: int | None = None,
        max_items: int | None = None,
        progress: bool | None = None,
        **params: Any,
    ) -> Generator[Page, None, None]:
        url = resolve_url(path, self.api_base)
        query = query_options(params)
        if top is None and self.page_size and "$top" not in url and "$top" not in query:
            top = self.page_size
        if top is not None:
            query["$top"] = str(int(top))
        headers = dict(EVENTUAL_HEADER) if needs_eventual_consistency(url, query) else None

        def get_json(next_url: str, next_query: dict[str, str] | None) -> Any:
            return self._send("GET", next_url, next_query, headers=headers).json()

        show = self.progress if progress is None else progress
        yield from iterate_pages(
            get_json, url, query or None, max_items=max_items, label=_short(path), progress=show
        )

    # -- batching ------------------------------------------------------------------------
    def batch(self, requests: Iterable[str | Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Send many calls through ``/$batch`` (20 per round trip, ``dependsOn`` respected).

        Returns Graph's responses (``{"id", "status", "headers", "body"}``) in the order of
        ``requests``; throttled ones were sent again after their ``Retry-After``.  A failed
        call inside the batch is reported in its ``status``, not raised.
        """
        prepared = _batch.prepare(requests, self.api_base)
        url = resolve_url("/$batch", self.api_base)

        def post(payload: dict[str, Any]) -> dict[str, Any]:
            return self._send("POST", url, None, json=payload).json()

        return _batch.run(post, prepared, self.retry)

    # -- transport -----------------------------------------------------------------------
    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        try:
            response = self.http.request(
                method, url, params=params or None, json=json, headers=headers
            )
        except httpx.TransportError as exc:
            raise network_error(url, exc) from None
        if response.status_code >= 400:
            raise graph_error(
                response,
                provider=self.provider.name,
                connection=self.connection,
                api_hosts=self.provider.api_hosts,
                hub_scopes=self._hub_scopes() if response.status_code == 403 else None,
            )
        return response

    def _hub_scopes(self) -> tuple[str, ...] | None:
        """What JupyterHub's token grants, when that is the token this client uses."""
        try:
            used = self.session.get(self.provider.name, self.connection)
        except AuthsomeError:
            return None
        return used.scopes if used.flow == "jupyterhub" else None


def _names(select: str | Sequence[str] | None) -> list[str]:
    if select is None:
        return []
    if isinstance(select, str):
        return [s.strip() for s in select.split(",") if s.strip()]
    return list(select)




def _short(path: str) -> str:
    """A path for a progress line: long ids shortened (``/me/todo/lists/AAMk…6eef/tasks``)."""
    parts = path.split("?", 1)[0].split("/")
    return "/".join(p if len(p) <= 16 else f"{p[:4]}…{p[-4:]}" for p in parts)
