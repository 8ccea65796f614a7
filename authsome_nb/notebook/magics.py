"""The ``%authsome`` line magic: parse, dispatch, display — the work lives in ``commands``.

Modelled on JupySQL's ``SqlMagic``: a ``Magics`` that is also ``Configurable``, so
``%config AuthsomeMagics.default_flow = "device"`` (or ``c.AuthsomeMagics...`` in
``ipython_config.py``) sets the defaults.  A line reads as people type it:
``%authsome login microsoft work  # my work account`` (the connection may be positional, a
trailing comment is a comment).  Bad arguments are one-line ``UsageError``s; the package's own
errors are raised as they are, told to spell their remedy in magic syntax
(``AuthsomeError.shown_in``), and IPython shows their message and remedy, not a traceback.

Importing this module must stay cheap (it runs at ``%load_ext``): no ipywidgets, msal,
httpx or session here — ``commands`` is imported at the first subcommand.
"""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class, no_var_expand
from traitlets import Bool, CaselessStrEnum, Float, Int, Unicode

from . import subcommands
from .subcommands import split_words

HELP_FLAGS = ("-h", "--help")


@magics_class
class AuthsomeMagics(Magics):
    """``%authsome login|logout|list|get|token|export|providers|setup|graph|sync|run|help``."""

    default_provider = Unicode(
        "microsoft", help="Provider used when a subcommand names none.",
    ).tag(config=True)
    default_connection = Unicode(
        "default", help="Connection used when --connection is not given.",
    ).tag(config=True)
    default_flow = CaselessStrEnum(
        subcommands.FLOWS, default_value="auto",
        help="Sign-in flow when --flow is not given: auto, pkce or device.",
    ).tag(config=True)
    timeout = Float(
        None, allow_none=True,
        help="Seconds a sign-in may wait for the user before giving up; None (the default): as "
        "long as the device code or the sign-in link is valid.",
    ).tag(config=True)
    background = Bool(
        False, help="Sign in in the background by default (as if --background).",
    ).tag(config=True)
    widgets = CaselessStrEnum(
        ("auto", "on", "off"), default_value="auto",
        help="Show sign-ins as widgets: auto (in a Jupyter kernel), on, or off (plain text).",
    ).tag(config=True)
    graph_page_size = Int(
        None, allow_none=True,
        help="Rows per request for %authsome graph/sync and %%graph; None: the largest page "
        "each endpoint allows.",
    ).tag(config=True)
    graph_backend = CaselessStrEnum(
        ("pandas", "polars", "arrow"), default_value="pandas",
        help="What %authsome graph/sync and %%graph make of a collection: a pandas DataFrame, "
        "a polars DataFrame or a pyarrow Table (typed from Graph's schema); --backend wins.",
    ).tag(config=True)

    @no_var_expand
    @line_magic
    def authsome(self, line: str = ""):
        try:
            return self._dispatch(subcommands.strip_comment(line))
        except Exception as exc:
            if hasattr(exc, "shown_in"):  # an AuthsomeError: its remedy in the user's syntax
                exc.shown_in = "magic"
            raise

    def _dispatch(self, line: str):
        words = line.strip().split(None, 1)
        if not words:
            print(subcommands.overview())
            return None
        name, rest = words[0], (words[1] if len(words) > 1 else "")
        subcommands.find(name)  # an unknown name is a UsageError before anything else
        if name in ("graph", "sync", "run"):
            # unexpanded: "$top" and "$filter" are OData, "$HOME" is the shell's
            return getattr(self, f"_{name}")(rest)
        rest = self._expand(rest)
        if any(w in HELP_FLAGS for w in rest.split()):
            print(subcommands.help_text(name))
            return None
        args = subcommands.parse(name, rest)
        return getattr(self, f"_{name}")(args)

    # -- subcommands -------------------------------------------------------------------------
    def _help(self, args):
        print(subcommands.help_text(args.subcommand))

    def _login(self, args):
        from . import commands
        from .sign_in import SignInOptions

        provider = self._provider(args)
        services = split_words(args.services)
        if services:
            self._check_services(provider, services)
        options = SignInOptions(
            provider=provider,
            connection=self._connection(args),
            flow=args.flow or self.default_flow.lower(),
            scopes=tuple(split_words(args.scopes) or ()) or None,
            services=tuple(services) if services else None,
            tenant=args.tenant,
            client_id=args.client_id,
            force=args.force,
            timeout=args.timeout if args.timeout is not None else self.timeout,
            shown_in="magic",
        )
        from ..errors import SignInCancelled

        try:
            commands.login(options, background=args.background or self.background,
                           widgets=self._use_widgets())
        except SignInCancelled:
            return None  # Cancel or Kernel → Interrupt: the output says so, calmly
        return None

    def _logout(self, args):
        from . import commands

        print(commands.logout(self._provider(args), self._connection(args)))

    def _list(self, args):
        from . import commands

        provider = args.provider
        if provider:
            self._check_provider(provider)
        _show(commands.connections_table(provider))

    def _get(self, args):
        from . import commands

        _show(commands.status(self._provider(args), self._connection(args)))

    def _token(self, args):
        from . import commands

        return commands.token(self._provider(args), self._connection(args),
                              split_words(args.scopes))

    def _export(self, args):
        from . import commands

        print(commands.export(self._provider(args), self._connection(args),
                              include_refresh_token=args.refresh_token))

    def _providers(self, args):
        from . import commands

        _show(commands.providers_table())

    def _reset(self, args):
        from . import commands

        print(commands.reset_store())

    def _setup(self, args):
        from . import commands

        provider = self._provider(args)
        services = split_words(args.services)
        if services:
            self._check_services(provider, services)
        _show(commands.setup_guide(provider, services))

    def _graph(self, rest: str):
        from .graph_magics import run_graph_line

        if rest.strip() in ("", *HELP_FLAGS):
            print(subcommands.help_text("graph"))
            return None
        return run_graph_line(rest, default_connection=self.default_connection,
                              page_size=self.graph_page_size,
                              backend=self.graph_backend.lower())

    def _sync(self, rest: str):
        from .graph_magics import run_sync_line

        if rest.strip() in ("", *HELP_FLAGS):
            print(subcommands.help_text("sync"))
            return None
        frame, summary = run_sync_line(rest, default_connection=self.default_connection,
                                       page_size=self.graph_page_size,
                                       backend=self.graph_backend.lower())
        print(summary)
        return frame

    def _run(self, rest: str):
        from .run_magic import run_line

        return run_line(rest, default_connection=self.default_connection)

    def _expand(self, text: str) -> str:
        """IPython's ``$name`` / ``{expr}`` expansion from the user's namespace."""
        from IPython.utils.text import DollarFormatter

        try:
            namespace = getattr(self.shell, "user_ns", {})
            return DollarFormatter().vformat(text, args=[], kwargs=namespace)
        except Exception:  # as IPython does: what cannot be expanded stays as typed
            return text

    # -- argument checks that need the provider definition -----------------------------------
    def _connection(self, args) -> str:
        """``login microsoft work`` and ``login microsoft --connection work`` are the same."""
        typed = getattr(args, "connection_name", None)
        if typed and args.connection and typed != args.connection:
            raise UsageError(f"%authsome {args.command}: two connections given, {typed!r} "
                             f"and --connection {args.connection!r}; give one.")
        return typed or args.connection or self.default_connection

    def _provider(self, args) -> str:
        provider = args.provider or self.default_provider
        self._check_provider(provider)
        return provider

    def _check_provider(self, provider: str) -> None:
        from .._providers import load_provider
        from ..errors import UnknownProviderError

        try:
            load_provider(provider)
        except UnknownProviderError as exc:
            raise UsageError(f"%authsome: {exc.message}.") from None

    def _check_services(self, provider: str, services: list[str]) -> None:
        from . import commands

        known = commands.known_services(provider)
        unknown = [s for s in services if s.lower() not in known]
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise UsageError(f"%authsome: unknown service {names} for {provider}; "
                             f"choose from {', '.join(known) or 'none'}.")

    def _use_widgets(self) -> bool:
        mode = self.widgets.lower()
        if mode != "auto":
            return mode == "on"
        # A kernel has a frontend that may render widgets (and gets text/plain otherwise);
        # terminal IPython has none.
        return getattr(self.shell, "kernel", None) is not None


def _show(shown: object) -> None:
    """Display ``shown`` where the magic stands in its cell — on any line, not only the last
    (a returned value is shown only when it ends the cell).  The data behind each is in the
    Python API: ``an.connections()``, ``an.get()``, ``an.providers()``."""
    from IPython.display import display

    display(shown)


# ``%authsome?`` shows the overview; IPython asks ``getdoc()`` first, which builds the full
# help (every subcommand's options) only when someone asks for it.
_magic: Any = AuthsomeMagics.authsome
_magic.__doc__ = subcommands.overview()
_magic.getdoc = subcommands.full_help
