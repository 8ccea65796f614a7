"""``GraphClient``: Microsoft Graph for notebooks — dicts, pages and DataFrames.

It is a thin layer on one ``httpx.Client`` (see :func:`authsome_nb._graph.client`) whose auth
flow injects and refreshes the bearer and retries throttled calls; this class adds paths and
OData options (:mod:`._options`), page sizes by endpoint (:mod:`._page_sizes`), paging one page
after another (:mod:`._paging`) or side by side (:mod:`._parallel`), delta sync (:mod:`._sync`),
``$batch`` and DataFrames, and turns error statuses into
:class:`~authsome_nb.errors.GraphError` with a remedy.  It holds no token itself.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import closing, nullcontext
from typing import TYPE_CHECKING, Any, Unpack

import httpx

from ..errors import AuthsomeError, ConfigurationError, GraphError
from . import _batch
from ._backends import builder
from ._errors import graph_error
from ._network import transport_error
from ._odata import EVENTUAL_HEADER, needs_eventual_consistency, query_options, resolve_url
from ._options import BACKENDS, GraphOptions, Plan, SyncOptions, check_options, choice, plan
from ._page_sizes import Family, family_of, touches_mailbox
from ._paging import Page, iterate_pages
from ._parallel import DEFAULT_CONCURRENCY, mailbox_gate, parallel_pages
from ._retry import DEFAULT_POLICY, RetryPolicy

if TYPE_CHECKING:
    import pandas as pd

    from .._session import Session


class GraphClient:
    """Microsoft Graph as ``connection`` of ``provider``; see ``an.graph()``.

    ``page_size`` overrides the page size of every listing (``None``: the largest each
    endpoint allows, see ``_page_sizes``); ``concurrency`` is how many requests one listing
    of an Outlook collection keeps in flight (4, Outlook's limit per mailbox; 1: one after
    another).  ``progress`` shows progress on multi-page fetches in a notebook kernel (never
    in scripts).  ``backend`` is what collections become: ``"pandas"`` (a DataFrame),
    ``"polars"`` or ``"arrow"`` (a ``pyarrow.Table``), typed from Graph's schema.
    """

    def __init__(
        self,
        session: Session,
        connection: str = "default",
        *,
        provider: str = "microsoft",
        page_size: int | None = None,
        progress: bool = True,
        concurrency: int = DEFAULT_CONCURRENCY,
        retry: RetryPolicy = DEFAULT_POLICY,
        backend: str = "pandas",
        **httpx_kwargs: Any,
    ) -> None:
        from .._providers import load_provider

        self.session = session
        self.provider = load_provider(provider, self.session.home)
        self.connection = connection
        if page_size is not None and (isinstance(page_size, bool) or page_size < 1):
            raise ConfigurationError(f"page_size={page_size!r} must be a whole number >= 1")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ConfigurationError(f"concurrency={concurrency!r} must be a whole number >= 1",
                                     remedy="1 fetches one page after another; 4 is Outlook's "
                                     "limit per mailbox")
        self.backend = choice("backend", backend, BACKENDS) or "pandas"
        self.page_size = page_size
        self.progress = progress
        self.concurrency = concurrency
        self.retry = retry
        self._httpx_kwargs = httpx_kwargs
        self._http: httpx.Client | None = None
        #: what the last sync() of this client did (see _sync.summary)
        self.last_sync: dict[str, Any] | None = None

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
        Keywords are OData options (``select=``, ``expand=`` …), the query parameters Graph
        documents for the path, and ``params={...}`` for any other; a mistyped one is refused.
        """
        check_options("request", path, self.api_base, params)
        extra = params.pop("params", None) or {}
        response = self._send(
            method,
            resolve_url(path, self.api_base),
            {**query_options(params), **query_options(dict(extra))},
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
    def pages(self, path: str, **options: Unpack[GraphOptions]) -> Iterator[list[dict[str, Any]]]:
        """The items of ``path`` a page at a time (lists of dicts), in Graph's order.

        ``top`` is the most rows wanted (None: all); the page size is the endpoint's largest
        unless ``page_size`` says otherwise.  See :class:`GraphOptions` for every option.
        """
        for page in self._pages(path, options):
            yield page.items

    def items(self, path: str, **options: Unpack[GraphOptions]) -> Iterator[dict[str, Any]]:
        """The items of ``path`` one by one (same options as :meth:`pages`)."""
        for page in self._pages(path, options):
            yield from page.items

    def frame(self, path: str, **options: Unpack[GraphOptions]) -> pd.DataFrame:
        """A DataFrame of the items of ``path`` (every one, or ``top``; an entity: one row).

        Columns are flattened (``from.emailAddress.address``), dates are UTC datetimes, and an
        empty result keeps the selected columns.  ``backend="polars"`` or ``"arrow"`` gives a
        polars frame or a ``pyarrow.Table`` typed from Graph's schema (``nested="struct"``
        keeps objects as structs); the client's ``backend`` otherwise.
        """
        plan = self._plan(path, options)
        frames = self._builder(plan)
        for page in self._pages_of(plan, path):
            frames.add(page.items)
        return frames.build()

    def fetch(self, path: str, **options: Unpack[GraphOptions]) -> Any:
        """What ``path`` holds: a DataFrame for a collection, a dict for a single entity.

        This is what ``%authsome graph`` and ``%%graph`` show; options as in :meth:`frame`.
        A single entity needs no pandas, and loses only Graph's ``@odata.context``.
        """
        plan = self._plan(path, options)
        frames = self._builder(plan)
        with closing(self._pages_of(plan, path)) as pages:
            for page in pages:
                if not page.is_collection:
                    entity = page.items[0] if page.items else None
                    if isinstance(entity, dict):
                        entity.pop("@odata.context", None)
                    return entity
                frames.add(page.items)
        return frames.build()

    def to_parquet(self, path: str, dest: str | os.PathLike[str], *, overwrite: bool = False,
                   **options: Unpack[GraphOptions]) -> int:
        """Write the items of ``path`` to the Parquet file ``dest`` as they arrive; rows written.

        Each page becomes one row group of columns typed from Graph's schema (as with
        ``backend="arrow"``), so memory holds the pages in flight, not the collection.  The
        file is written beside ``dest`` and renamed onto it at the end: a failure leaves
        ``dest`` as it was and says how many rows had been written.  An existing ``dest`` is
        refused unless ``overwrite=True``.  Options as in :meth:`frame` (``top`` …).
        """
        from ._parquet import destination, write_tables

        plan = self._plan(path, options, call="to_parquet")
        target = destination(dest, overwrite=overwrite)
        frames = builder("arrow", plan.url, plan.select, plan.nested)

        def tables() -> Generator[Any, None, None]:
            with closing(self._pages_of(plan, path)) as pages:
                for page in pages:
                    if not page.is_collection:
                        raise GraphError(f"{_short(path)} is a single item, not a collection",
                                         status=200, code="notACollection",
                                         remedy="write a collection (…/messages), or .get() "
                                         "this item")
                    if page.items:
                        yield frames.table(page.items)

        return write_tables(target, tables(), lambda: frames.table([]), {"path": path})

    def sync(self, path: str, *, reset: bool = False, to: str | os.PathLike[str] | None = None,
             overwrite: bool = False, **options: Unpack[SyncOptions]) -> Any:
        """The current contents of a delta-capable collection, fetching only what changed.

        The first call runs a full delta round; later calls (in any kernel of this user) start
        from the saved ``@odata.deltaLink`` and apply the changes.  The state is encrypted under
        ``AUTHSOME_NB_HOME/sync``.  ``reset=True`` starts over; a token Graph no longer knows
        (410) starts over by itself.  Rows come in Graph's order (mail: newest first).
        ``frame.attrs["sync"]`` (pandas), the table's schema metadata (arrow) and
        ``client.last_sync`` tell what changed.  ``to=`` writes the synced collection to a
        Parquet file instead (replaced at each sync, written then renamed; a file this sync
        did not write is refused unless ``overwrite=True``) and returns the rows written.
        """
        from ._sync import run_sync

        return run_sync(self, path, reset=reset, options=dict(options), to=to,
                        overwrite=overwrite)

    def forget(self, path: str, **options: Unpack[SyncOptions]) -> int:
        """Drop the saved sync state of ``path`` (only that of ``options`` if given); how many."""
        from ._sync import forget

        return forget(self, path, dict(options))

    def _plan(self, path: str, options: Mapping[str, Any], *, call: str = "frame") -> Plan:
        return plan(path, self.api_base, options, call=call)

    def _builder(self, plan: Plan) -> Any:
        return builder(plan.backend or self.backend, plan.url, plan.select, plan.nested)

    def _pages(self, path: str, options: Mapping[str, Any]) -> Generator[Page, None, None]:
        yield from self._pages_of(self._plan(path, options), path)

    def _pages_of(self, plan: Plan, path: str) -> Generator[Page, None, None]:
        query = dict(plan.query)
        headers = (dict(EVENTUAL_HEADER) if needs_eventual_consistency(plan.url, query)
                   else None)

        def get_json(url: str, params: dict[str, str] | None) -> Any:
            return self._send("GET", url, params, headers=headers).json()

        show = self.progress if plan.progress is None else plan.progress
        label = _short(path)
        if plan.continuation:
            yield from iterate_pages(get_json, plan.url, query or None, rows=plan.rows,
                                     label=label, progress=show)
            return
        family = family_of(plan.url)
        page = self._page_size(plan, family)
        concurrency = plan.concurrency or self.concurrency
        side_by_side = (family.skip_and_count and page is not None and concurrency > 1
                        and (plan.rows is None or plan.rows > page)
                        and not {"$search", "$skip", "$top"} & plan.names)
        if side_by_side and page is not None:
            yield from parallel_pages(get_json, plan.url, query, page=page, rows=plan.rows,
                                      concurrency=concurrency, label=label, progress=show)
            return
        if page is not None:
            query["$top"] = str(page if plan.rows is None else max(1, min(page, plan.rows)))
        yield from iterate_pages(get_json, plan.url, query or None, rows=plan.rows, label=label,
                                 progress=show)

    def _page_size(self, plan: Plan, family: Family) -> int | None:
        """The ``$top`` to send: the caller's, else the client's, else the family's largest."""
        largest = family.max_page
        if plan.page_size is not None:
            if largest is not None and plan.page_size > largest:
                raise ConfigurationError(
                    f"page_size={plan.page_size} is more than {family.name} allows ({largest})",
                    remedy=f"use page_size={largest} or less, or leave it out: the largest page "
                    "is the default")
            return plan.page_size
        if self.page_size is not None:
            return min(self.page_size, largest) if largest is not None else self.page_size
        return largest

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
        gate = (mailbox_gate(self.session.home, self.provider.name, self.connection,
                             self.concurrency).slot()
                if touches_mailbox(url) else nullcontext())
        if params:  # httpx would replace the URL's own query (/me/calendarView?start…) with them
            url = str(httpx.URL(url).copy_merge_params(params))
        try:
            with gate:
                response = self.http.request(method, url, json=json, headers=headers)
        except httpx.TransportError as exc:  # ApiClient made it ours already, or a custom
            raise transport_error(url, exc) from None  # transport= raised httpx's own
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


def _short(path: str) -> str:
    """A path for a progress line: long ids shortened (``/me/todo/lists/AAMk…6eef/tasks``)."""
    parts = path.split("?", 1)[0].split("/")
    return "/".join(p if len(p) <= 16 else f"{p[:4]}…{p[-4:]}" for p in parts)
