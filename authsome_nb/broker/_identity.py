"""The managed-identity endpoint: Azure App Service's protocol, served on the broker's port.

A child sees ``IDENTITY_ENDPOINT`` (``http://127.0.0.1:<port>/msi/token``) and
``IDENTITY_HEADER`` (a secret of this run) and asks, as in an App Service or Azure Functions
app (https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference):

    GET /msi/token?resource=https://storage.azure.com&api-version=2019-08-01
    X-IDENTITY-HEADER: <secret>

and gets ``{"access_token", "expires_on", "resource", "token_type", "client_id"}``.
azure-identity's ``ManagedIdentityCredential`` / ``DefaultAzureCredential`` and MSAL's
``ManagedIdentityClient`` speak it unchanged.  The token is the routed Microsoft connection's,
for ``<resource>/.default`` (a trailing slash is the same resource), through the session's
single-flight refresh.  A missing or wrong secret is 401; another identity (``client_id``,
``mi_res_id``, ``principal_id``, ``object_id`` naming one we are not) or another api-version
is 400; a resource the user never consented to is 400 with the sign-in that grants it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import AuthsomeError, ConsentRequiredError

if TYPE_CHECKING:
    from .._connection import AccessToken
    from ..errors import Syntax

PATH = "/msi/token"
API_VERSION = "2019-08-01"
SECRET_HEADER = "x-identity-header"
_OTHER_IDENTITIES = ("mi_res_id", "msi_res_id", "principal_id", "object_id")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    @classmethod
    def json(cls, status: int, payload: Mapping[str, object]) -> Answer:
        return cls(status, json.dumps(payload).encode())


def error(status: int, code: str, message: str) -> Answer:
    """App Service's error shape (``statusCode``, ``message``) with OAuth's ``error`` fields,
    which azure-identity and MSAL both show."""
    return Answer.json(status, {"statusCode": status, "message": message, "error": code,
                                "error_description": message})


@dataclass(frozen=True)
class IdentityEndpoint:
    """Answers for one routed Microsoft connection."""

    secret: str
    client_id: str
    token_for: Callable[[str], AccessToken]  # scope → token (the session's, single flight)
    syntax: Syntax = "python"

    def answer(self, query: Mapping[str, str], headers: Mapping[str, str]) -> Answer:
        presented = headers.get(SECRET_HEADER, "")
        if not presented or not hmac.compare_digest(presented.encode(), self.secret.encode()):
            return error(401, "unauthorized", "The X-IDENTITY-HEADER secret is missing or "
                         "wrong: this endpoint serves only processes started by the broker")
        if query.get("api-version") != API_VERSION:
            return error(400, "invalid_request", f"api-version must be {API_VERSION} (the App "
                         "Service managed-identity protocol)")
        resource = (query.get("resource") or "").strip()
        if not resource:
            return error(400, "invalid_request", "resource is required, e.g. "
                         "resource=https://storage.azure.com")
        refusal = self._other_identity(query)
        if refusal is not None:
            return refusal
        return self._token(resource)

    def _other_identity(self, query: Mapping[str, str]) -> Answer | None:
        asked = query.get("client_id")
        if asked and asked.lower() != self.client_id.lower():
            return error(400, "invalid_request", f"Unable to load the proper Managed Identity: "
                         f"client_id {asked} is not this identity ({self.client_id})")
        for name in _OTHER_IDENTITIES:
            if query.get(name):
                return error(400, "invalid_request", f"Unable to load the proper Managed "
                             f"Identity: {name} names an identity the broker does not have")
        return None

    def _token(self, resource: str) -> Answer:
        resource = resource.removesuffix("/.default").rstrip("/")
        try:
            token = self.token_for(f"{resource}/.default")
        except ConsentRequiredError as exc:
            return error(400, "consent_required", _said(exc, self.syntax))
        except AuthsomeError as exc:
            return error(401, exc.error or "unauthorized", _said(exc, self.syntax))
        return Answer.json(200, {
            "access_token": token.value, "expires_on": str(int(token.expires_at)),
            "resource": resource, "token_type": "Bearer", "client_id": self.client_id})


def _said(exc: AuthsomeError, syntax: Syntax) -> str:
    remedy = exc.remedy_in(syntax)
    return f"{exc.message} — {remedy}" if remedy else exc.message
