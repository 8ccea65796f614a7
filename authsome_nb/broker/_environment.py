"""The child's environment: placeholders, the proxy with the run's secret, a CA bundle that
trusts the broker, the managed-identity endpoint — and no token in any variable.

``/proc/<pid>/environ`` is readable by every process of the user, and a child passes its
environment on to its own children: only placeholders and this run's secrets (which open
nothing once the run has ended) go there.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterable, Mapping
from pathlib import Path

from ._routes import PLACEHOLDER

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
#: Always pointed at the run's bundle: what curl, requests, httpx, OpenSSL, Node and git read.
CA_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
                "GIT_SSL_CAINFO")
#: Pointed at it too when the kernel had them: other tools' own CA settings.
CA_VARIABLES_IF_SET = ("AUTHSOME_NB_CA_BUNDLE", "PIP_CERT", "AWS_CA_BUNDLE",
                       "HTTPLIB2_CA_CERTS", "CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE",
                       "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", "NIX_SSL_CERT_FILE")
#: Other managed-identity protocols a child could pick before App Service's.
OTHER_IDENTITY_VARIABLES = ("MSI_ENDPOINT", "MSI_SECRET", "IDENTITY_SERVER_THUMBPRINT",
                            "IMDS_ENDPOINT", "IDENTITY_API_VERSION")


def write_bundle(folder: Path, base: Mapping[str, str], broker_ca_pem: bytes) -> Path:
    """``folder/ca-bundle.pem``: the system's CAs, every bundle ``base`` names, the broker's CA."""
    sources: list[str] = []
    defaults = ssl.get_default_verify_paths()
    for candidate in (defaults.cafile, defaults.openssl_cafile):
        if candidate and os.path.isfile(candidate):
            sources.append(candidate)
            break
    else:
        import certifi

        sources.append(certifi.where())
    sources += [base[n] for n in (*CA_VARIABLES, *CA_VARIABLES_IF_SET) if base.get(n)]
    seen: set[str] = set()
    parts: list[bytes] = []
    for source in sources:
        real = os.path.realpath(source)
        if real in seen or not os.path.isfile(real):
            continue
        seen.add(real)
        parts.append(Path(real).read_bytes().rstrip() + b"\n")
    parts.append(broker_ca_pem)
    path = folder / "ca-bundle.pem"
    path.touch(mode=0o600)
    path.write_bytes(b"".join(parts))
    return path


def child_environment(base: Mapping[str, str], *, proxy_url: str, bundle: Path,
                      placeholders: Iterable[str], routed_hosts: Iterable[str],
                      identity: tuple[str, str] | None) -> dict[str, str]:
    """``base`` with the broker's variables set (they win) and no way around the proxy to a
    routed host."""
    env = dict(base)
    for name in placeholders:
        env[name] = PLACEHOLDER
    for name in PROXY_VARIABLES:
        env[name] = proxy_url
    for name in CA_VARIABLES:
        env[name] = str(bundle)
    for name in CA_VARIABLES_IF_SET:
        if base.get(name):
            env[name] = str(bundle)
    for name in ("NO_PROXY", "no_proxy"):
        if name in env:
            env[name] = _without_routed(env[name], list(routed_hosts))
    for name in OTHER_IDENTITY_VARIABLES:
        env.pop(name, None)
    if identity is not None:
        env["IDENTITY_ENDPOINT"], env["IDENTITY_HEADER"] = identity
    return env


def _without_routed(no_proxy: str, routed_hosts: list[str]) -> str:
    """``NO_PROXY`` without entries that would send a routed host (a loopback emulator, say)
    around the proxy: a routed host is routed, not bypassed."""
    bare_hosts = [h.rsplit(":", 1)[0] if h.count(":") == 1 else h for h in routed_hosts]
    kept = []
    for entry in (e.strip() for e in no_proxy.split(",")):
        name = entry.lower().lstrip(".").removeprefix("*.")
        if not entry:
            continue
        if entry == "*" or any(name in (h, b) or b.endswith("." + name)
                               for h, b in zip(routed_hosts, bare_hosts, strict=True)):
            continue
        kept.append(entry)
    return ",".join(kept)
