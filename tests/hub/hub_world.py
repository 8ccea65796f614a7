"""The world of a Hub test module: the emulator, the Hub, users who logged in, kernels."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from authsome_nb_emulator import Emulator
from hub_process import HubBrowser, HubProcess, Kernel


@dataclass
class HubUser:
    name: str  # the Hub's user name (the UPN, lower-cased by JupyterHub)
    upn: str
    browser: HubBrowser
    token: str  # an API token of this user, for the REST API of their server
    home: Path


@dataclass
class RunningHub:
    emu: Emulator
    hub: HubProcess
    users: dict[str, HubUser] = field(default_factory=dict)
    kernels: list[Kernel] = field(default_factory=list)

    def log_in(self, who: str) -> HubUser:
        """``who`` (an emulator user) logs in to the Hub in a browser of their own."""
        browser = HubBrowser(self.hub)
        name = browser.log_in(who)
        home = self.hub.workdir / "homes" / name
        self.emu.write_provider_override(home / ".authsome_nb")  # the emulator is "Microsoft"
        user = HubUser(name, self.emu.user(who).upn, browser, self.hub.user_token(name), home)
        self.users[who] = user
        return user

    def kernel(self, who: str, server: str = "") -> Kernel:
        """A new kernel in ``who``'s (named) server, spawned first if needed."""
        user = self.users[who]
        started = Kernel(self.hub.spawn(user.name, server), user.token)
        self.kernels.append(started)
        return started


@contextmanager
def running_hub(workdir: Path, **hub_options) -> Iterator[RunningHub]:
    with Emulator() as emu:
        hub = HubProcess(workdir, emu, **hub_options)
        world = RunningHub(emu, hub)
        try:
            yield world
        finally:
            for kernel in world.kernels:
                kernel.close()
            for user in world.users.values():
                user.browser.close()
            hub.stop()


def kernel_lines(kernel: Kernel, code: str) -> list[str]:
    return kernel.run(code).strip().splitlines()
