"""The arguments of every ``%authsome`` subcommand, declared with IPython's ``magic_arguments``.

Each subcommand gets its own parser, so ``%authsome help login`` prints just that and
``%authsome?`` shows them all.  Building the parsers (and their help) costs a few
milliseconds, so this module is imported by the first use, not by ``%load_ext``.
"""

from __future__ import annotations

import argparse
import shlex

from IPython.core.magic_arguments import argument, magic_arguments

from .subcommands import FLOWS


def parse_words(parser, text: str):
    """Parse ``text`` as a shell would split it (quotes removed: ``--orderby "a desc"``).

    IPython's own ``parse_argstring`` keeps the quotes on POSIX systems, which would reach
    Graph as part of the value.  Unbalanced quotes raise ``ValueError``.
    """
    return parser.parse_args(shlex.split(text))


def positive(text: str) -> int:
    """A whole number of at least 1 (``--top``, ``--max``, ``--page-size``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _backend(func):
    """``--backend pandas|polars|arrow`` (graph, sync, %%graph)."""
    return argument("--backend", choices=("pandas", "polars", "arrow"),
                    help="what a collection becomes: a pandas DataFrame (default: "
                    "AuthsomeMagics.graph_backend), a polars DataFrame or a pyarrow Table, "
                    "typed from Graph's schema")(func)


def _provider(func):
    return argument("provider", nargs="?", metavar="PROVIDER",
                    help="provider name (default: AuthsomeMagics.default_provider)")(func)


def _connection(func):
    """``--connection NAME``, for subcommands where a positional would be ambiguous (graph)."""
    return argument("-c", "--connection", metavar="NAME",
                    help="connection name (default: AuthsomeMagics.default_connection)")(func)


def _provider_and_connection(func):
    """``[PROVIDER] [CONNECTION]`` as people type it (``login microsoft work``), and
    ``--connection NAME`` as before; the magic checks the two agree."""
    func = _connection(func)
    func = argument("connection_name", nargs="?", metavar="CONNECTION",
                    help="connection name, e.g. work (the same as --connection)")(func)
    return _provider(func)


@magic_arguments(name="authsome login")
@_provider_and_connection
@argument("--flow", choices=FLOWS, help="auto (default: AuthsomeMagics.default_flow) picks the "
          "device code on remote kernels and PKCE in a local browser otherwise")
@argument("--scopes", nargs="+", action="extend", metavar="SCOPE",
          help="scopes to request (space or comma separated), instead of the provider's defaults")
@argument("--service", "--services", dest="services", action="append", metavar="SERVICES",
          help="scope presets, comma separated: outlook, calendar, onedrive, teams, sharepoint, "
          "tasks")
@argument("--tenant", metavar="TENANT", help="common (default), organizations, consumers, a tenant "
          "id or a domain")
@argument("--client-id", metavar="ID", help="the app registration's client id (default: "
          "$MICROSOFT_OAUTH_CLIENT_ID)")
@argument("--force", action="store_true",
          help="sign in again even if the stored sign-in still works")
@argument("--background", action="store_true",
          help="return at once; the panel and the account card update when the sign-in ends")
@argument("--timeout", type=float, metavar="SECONDS", help="give up after this long (default: "
          "AuthsomeMagics.timeout; none: as long as the device code or sign-in link is valid)")
def _login():
    """Sign in and show the account: %authsome login microsoft work --service outlook.
    Blocks until done (Cancel, or Kernel → Interrupt, stops it) unless --background is given.
    In a notebook the sign-in link opens in a new tab of your browser."""


@magic_arguments(name="authsome logout")
@_provider_and_connection
def _logout():
    """Sign out: remove the connection, its account and its tokens from the store."""


@magic_arguments(name="authsome list")
@_provider
def _list():
    """Every connection (or a provider's): account, tenant, scopes, token expiry."""


@magic_arguments(name="authsome get")
@_provider_and_connection
def _get():
    """One connection's status: account, tenant, scopes, expiry and key source (never the token)."""


@magic_arguments(name="authsome token")
@_provider_and_connection
@argument("--scopes", nargs="+", action="extend", metavar="SCOPE", help="a token for these scopes")
def _token():
    """The access token as a masked object, refreshed if needed: tok = %authsome token microsoft"""


@magic_arguments(name="authsome export")
@_provider_and_connection
@argument("--refresh-token", action="store_true",
          help="also export the refresh token (MICROSOFT_REFRESH_TOKEN); think twice")
def _export():
    """Set the provider's environment variables (MICROSOFT_ACCESS_TOKEN) in this kernel."""


@magic_arguments(name="authsome providers")
def _providers():
    """The provider definitions known here (bundled and in $AUTHSOME_NB_HOME/providers)."""


@magic_arguments(name="authsome setup")
@_provider
@argument("--service", "--services", dest="services", action="append", metavar="SERVICES",
          help="only the permissions of these services (comma separated)")
def _setup():
    """The app-registration guide, with the exact redirect URIs and the permissions to add."""


@magic_arguments(name="authsome reset")
def _reset():
    """Move an unreadable store aside (kept, not deleted) and start with an empty one."""


@magic_arguments(name="authsome graph")
@argument("request", nargs="*", metavar="[GET] /path",
          help="a Graph path relative to the API base (/me/messages), query string allowed "
          "($top there means rows too)")
@_connection
@argument("--select", metavar="A,B", help="properties to return ($select), comma separated")
@argument("--top", type=positive, metavar="N", help="at most N rows (in as few requests as "
          "possible; default: every row)")
@argument("--max", type=positive, dest="max_items", metavar="N", help="the same as --top")
@argument("--page-size", type=positive, metavar="N", help="rows per request (default: the "
          "largest the endpoint allows, e.g. 1000 for mail)")
@argument("--filter", metavar="EXPR", help="OData $filter expression")
@argument("--orderby", metavar="EXPR", help="OData $orderby expression")
@argument("--search", metavar="TEXT", help="OData $search text")
@argument("--expand", metavar="EXPR", help="OData $expand")
@_backend
def _graph():
    """GET a Microsoft Graph path: a pandas DataFrame for a collection (every row unless --top),
    a dict for a single entity: df = %authsome graph /me/messages --select subject --top 50.
    For other methods and JSON bodies use the %%graph cell magic."""


@magic_arguments(name="%graph")  # shown as %%graph: IPython adds one %
@argument("var", nargs="?", metavar="VAR", help="variable to store the result in")
@_connection
@argument("--top", type=positive, metavar="N", help="at most N rows (a $top in the URL too)")
@argument("--max", type=positive, dest="max_items", metavar="N", help="the same as --top")
@argument("--page-size", type=positive, metavar="N", help="rows per request (default: the "
          "largest the endpoint allows)")
@argument("--sync", action="store_true", help="keep the collection current by delta query: "
          "the first run fetches it whole, later runs only what changed")
@argument("--reset", action="store_true", help="with --sync: start over with a full round")
@_backend
def _graph_cell():
    """Call Microsoft Graph: the first line of the cell is METHOD /path?query (GET may be left
    out), an optional JSON body follows. GET results are DataFrames (a dict for one entity)."""


@magic_arguments(name="authsome sync")
@argument("request", nargs="*", metavar="/path",
          help="a delta-capable collection, e.g. /me/mailFolders/inbox/messages (query allowed)")
@_connection
@argument("--select", metavar="A,B", help="properties to keep ($select), comma separated")
@argument("--filter", metavar="EXPR", help="OData $filter (mail: receivedDateTime ge …)")
@argument("--page-size", type=positive, metavar="N", help="rows per request (default: the "
          "largest)")
@argument("--reset", action="store_true", help="forget the saved state and start a full round")
@argument("--forget", action="store_true", help="only drop the saved state of this path")
@_backend
def _sync():
    """A collection kept current by delta query: the first run fetches it whole, later runs (in
    any kernel) fetch only what changed: inbox = %authsome sync /me/mailFolders/inbox/messages
    --select subject,from,receivedDateTime. The state is encrypted in $AUTHSOME_NB_HOME/sync."""


@magic_arguments(name="authsome run")
@_provider
@argument("connection_name", nargs="?", metavar="CONNECTION",
          help="connection name (default: the provider's default connection)")
@argument("--kernel", nargs="?", const="on", choices=("on", "off"), metavar="off",
          help="route this whole kernel instead: `!` cells and subprocess children inherit the "
          "broker until --kernel off")
def _run():
    """Run a shell command under a broker: %authsome run microsoft -- curl -s
    https://graph.microsoft.com/v1.0/me. Its requests to the provider's API get the token, its
    environment holds only placeholders (MICROSOFT_ACCESS_TOKEN=authsome-proxy-managed), a
    loopback proxy with this run's secret, a CA bundle, and for Microsoft a managed-identity
    endpoint (IDENTITY_ENDPOINT) that azure-identity and the Azure CLI-style SDKs use. No
    provider: every provider's signed-in default connection. Output streams into the cell;
    the last line is the exit code."""


@magic_arguments(name="authsome help")
@argument("subcommand", nargs="?", metavar="SUBCOMMAND", help="a subcommand to explain")
def _help():
    """This overview, or one subcommand's options."""
