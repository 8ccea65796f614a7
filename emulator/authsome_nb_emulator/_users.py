"""The people who can sign in, and which tenant accepts whom.

Microsoft routes a sign-in by the tenant segment of the URL (``common``, ``organizations``,
``consumers``, a tenant GUID or one of its domains); a user outside that audience gets
AADSTS50020.  The emulator mirrors that with a small in-memory directory.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass, field

from ._errors import UnknownUserError

#: The tenant id Microsoft uses for every personal (MSA) account.
MSA_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"
CONTOSO_TENANT_ID = "6e1b5a4c-3f2d-4b8e-9a17-c0ffee000001"
FABRIKAM_TENANT_ID = "2f7d9c3e-8b1a-4e6f-b5d4-fab000000002"
_NAMESPACE = uuid.UUID("4f6b2a8e-1d3c-5e7f-9a0b-c1d2e3f4a5b6")
_KNOWN_TENANTS = {"contoso.example": CONTOSO_TENANT_ID, "fabrikam.example": FABRIKAM_TENANT_ID}
TENANT_ALIASES = ("common", "organizations", "consumers")


@dataclass(frozen=True)
class User:
    """A person who can sign in. ``kind`` is ``"work"`` (Entra ID) or ``"personal"`` (MSA)."""

    display_name: str
    upn: str
    tenant_id: str
    oid: str
    mail: str
    given_name: str
    surname: str
    kind: str = "work"

    @property
    def domain(self) -> str:
        return self.upn.rsplit("@", 1)[-1].lower()

    @property
    def is_personal(self) -> bool:
        return self.kind == "personal"

    def as_dict(self) -> dict[str, str]:
        return {
            "display_name": self.display_name, "upn": self.upn, "tenant_id": self.tenant_id,
            "oid": self.oid, "mail": self.mail, "given_name": self.given_name,
            "surname": self.surname, "kind": self.kind,
        }


def tenant_id_for_domain(domain: str) -> str:
    """A stable tenant GUID for a work domain (the two demo domains have fixed ones)."""
    domain = domain.lower()
    return _KNOWN_TENANTS.get(domain) or str(uuid.uuid5(_NAMESPACE, "tenant:" + domain))


def make_user(display_name: str, upn: str | None = None, *, kind: str = "work",
              tenant_id: str | None = None, mail: str | None = None,
              given_name: str | None = None, surname: str | None = None,
              oid: str | None = None) -> User:
    """Build a :class:`User`, deriving whatever is not given the way Microsoft would show it."""
    if kind not in ("work", "personal"):
        raise ValueError(f"kind must be 'work' or 'personal', not {kind!r}")
    parts = display_name.split()
    given = given_name if given_name is not None else (parts[0] if parts else display_name)
    family = surname if surname is not None else (" ".join(parts[1:]) if len(parts) > 1 else "")
    if upn is None:
        if kind == "personal":
            upn = f"{given}.{family or 'user'}@outlook.example".lower().replace(" ", "")
        else:
            upn = f"{given}{family[:1]}@contoso.example".replace(" ", "")
    domain = upn.rsplit("@", 1)[-1]
    if tenant_id is None:
        tenant_id = MSA_TENANT_ID if kind == "personal" else tenant_id_for_domain(domain)
    if oid is None:
        digest = hashlib.sha256(f"oid:{upn.lower()}".encode()).hexdigest()
        # MSA object ids start with 00000000-0000-0000-, as Microsoft's do.
        oid = (f"00000000-0000-0000-{digest[:4]}-{digest[4:16]}" if kind == "personal"
               else str(uuid.uuid5(_NAMESPACE, "user:" + upn.lower())))
    return User(display_name=display_name, upn=upn, tenant_id=tenant_id, oid=oid,
                mail=mail or upn, given_name=given, surname=family, kind=kind)


def default_users() -> list[User]:
    """Adele and Megan (Contoso), Sam (a personal account) and Diego (Fabrikam)."""
    return [
        make_user("Adele Vance", "AdeleV@contoso.example"),
        make_user("Megan Bowen", "MeganB@contoso.example"),
        make_user("Sam Taylor", "sam.taylor@outlook.example", kind="personal"),
        make_user("Diego Siciliani", "DiegoS@fabrikam.example"),
    ]


@dataclass(frozen=True)
class Audience:
    """Who a tenant segment of the URL accepts."""

    segment: str
    tenant_id: str | None  # None for common / organizations
    kind: str  # "common", "organizations", "consumers" or "tenant"

    def accepts(self, user: User) -> bool:
        if self.kind == "common":
            return True
        if self.kind == "organizations":
            return not user.is_personal
        if self.kind == "consumers":
            return user.is_personal
        return user.tenant_id == self.tenant_id


@dataclass
class Directory:
    """The users of a running emulator; thread-safe because tests add users while serving."""

    users: list[User] = field(default_factory=default_users)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, user: User) -> User:
        with self._lock:
            if any(u.upn.lower() == user.upn.lower() for u in self.users):
                raise ValueError(f"a user with UPN {user.upn} already exists")
            self.users.append(user)
        return user

    def snapshot(self) -> list[User]:
        with self._lock:
            return list(self.users)

    def find(self, name: str | User) -> User:
        """By UPN, object id, display name, or an unambiguous prefix of either (any case)."""
        if isinstance(name, User):
            return name
        wanted = name.strip().lower()
        users = self.snapshot()
        exact = [u for u in users if wanted in (u.upn.lower(), u.oid, u.display_name.lower())]
        if exact:
            return exact[0]
        loose = [u for u in users if u.upn.lower().startswith(wanted)
                 or u.display_name.lower().startswith(wanted)
                 or any(p.lower().startswith(wanted) for p in u.display_name.split())]
        if len(loose) == 1:
            return loose[0]
        known = ", ".join(u.upn for u in users)
        if not loose:
            raise UnknownUserError(f"no user matches {name!r}; known users: {known}")
        raise UnknownUserError(f"{name!r} matches several users: "
                               + ", ".join(u.upn for u in loose))

    def by_oid(self, oid: str) -> User | None:
        return next((u for u in self.snapshot() if u.oid == oid), None)

    def tenants(self) -> dict[str, str]:
        """Domain → tenant id of every work tenant the directory knows."""
        found = {d: t for d, t in _KNOWN_TENANTS.items()}
        for u in self.snapshot():
            if not u.is_personal:
                found[u.domain] = u.tenant_id
        return found

    def audience(self, segment: str) -> Audience | None:
        """The audience of a URL's tenant segment, or None for a tenant Microsoft wouldn't know."""
        lowered = segment.lower()
        if lowered in TENANT_ALIASES:
            return Audience(segment, None, lowered)
        if lowered == MSA_TENANT_ID:
            return Audience(segment, MSA_TENANT_ID, "consumers")
        tenants = self.tenants()
        if lowered in tenants:
            return Audience(segment, tenants[lowered], "tenant")
        if lowered in tenants.values():
            return Audience(segment, lowered, "tenant")
        return None
