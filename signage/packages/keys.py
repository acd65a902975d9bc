"""The installation's Ed25519 publisher key and the receiver's file of trusted publishers.

The private key is made on first use and kept in the database's meta table beside the
site's secret key: every web node and worker of one installation signs as the same
publisher, and `signage backup` carries it along with the other secrets. The public half
leaves as one line, ``ed25519 <base64 key> <publisher name>``, which a receiver appends to
the file named by SIGNAGE_TRUSTED_PUBLISHERS.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signage.db import Store
from signage.errors import Invalid, SignageError
from signage.phrases import N_

PRIVATE_KEY = "publisher_key"
KEY_TYPE = "ed25519"
NAME_LIMIT = 200
TRUSTED_FILE_LIMIT = 1024 * 1024  # a list of publishers, never a large file


@dataclass(frozen=True)
class Publisher:
    """A publisher a receiver trusts: the name it files content under and its public key."""

    name: str
    key: str  # base64 of the 32 raw bytes of the Ed25519 public key

    def line(self) -> str:
        """The one line of the trusted-publishers file naming this publisher."""
        return f"{KEY_TYPE} {self.key} {self.name}"


class SignatureRefused(SignageError):
    code = "bad_signature"
    status = 422


def _private_key(store: Store) -> Ed25519PrivateKey:
    raw = store.kept_secret(PRIVATE_KEY, lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw))


def public_key_text(key: Ed25519PublicKey) -> str:
    """The public key as the base64 text of its 32 raw bytes."""
    return base64.b64encode(key.public_bytes_raw()).decode()


def own_publisher(store: Store, name: str) -> Publisher:
    """This installation as a publisher, under the site's name (the key made on first use)."""
    return Publisher(
        _one_line(name) or "signage", public_key_text(_private_key(store).public_key())
    )


def sign(store: Store, content: bytes) -> str:
    """The installation's signature of ``content``, as base64 text."""
    return base64.b64encode(_private_key(store).sign(content)).decode()


def verify(publisher: Publisher, content: bytes, signature: str) -> None:
    """Refuse content whose signature is not the publisher's."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(publisher.key, validate=True))
        key.verify(base64.b64decode(signature.strip(), validate=True), content)
    except (InvalidSignature, ValueError, binascii.Error):
        raise SignatureRefused(
            N_(
                "the signature does not match the content signed by {publisher!r}: the file "
                "was changed or damaged after it was signed; nothing was imported; ask the "
                "publisher for a new copy"
            ),
            publisher=publisher.name,
        ) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:NAME_LIMIT]


def parse_trusted(text: str, source: str) -> dict[str, Publisher]:
    """The publishers of a trusted file by public key; blank lines and # comments skipped."""
    found: dict[str, Publisher] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split(None, 2)
        if not words or words[0].startswith("#"):
            continue
        if len(words) < 3 or words[0] != KEY_TYPE:
            raise Invalid(
                N_(
                    "{file}, line {line}: expected 'ed25519 <key> <publisher name>' as printed "
                    "by `signage package key` on the publishing server"
                ),
                code="bad_trusted_publishers",
                file=source,
                line=number,
            )
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(words[1], validate=True))
        except (ValueError, binascii.Error):
            raise Invalid(
                N_(
                    "{file}, line {line}: {key!r} is not an Ed25519 public key; copy the line "
                    "printed by `signage package key` whole"
                ),
                code="bad_trusted_publishers",
                file=source,
                line=number,
                key=words[1][:60],
            ) from None
        found[words[1]] = Publisher(_one_line(words[2]), words[1])
    return found


def trusted_publishers(path: Path | None) -> dict[str, Publisher]:
    """The publishers named in SIGNAGE_TRUSTED_PUBLISHERS; none when it is unset."""
    if path is None:
        return {}
    try:
        with Path(path).open("rb") as file:
            raw = file.read(TRUSTED_FILE_LIMIT + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SignageError(
            N_("the trusted publishers file {file} cannot be read: {reason}"),
            code="bad_trusted_publishers",
            file=str(path),
            reason=exc.strerror,
        ) from None
    if len(raw) > TRUSTED_FILE_LIMIT:
        raise Invalid(
            N_("{file} is too large for a list of publishers"),
            code="bad_trusted_publishers",
            file=str(path),
        )
    return parse_trusted(raw.decode("utf-8", errors="replace"), str(path))


def trusted_publisher(trusted: dict[str, Publisher], key: str) -> Publisher:
    """The trusted publisher of this key; refused when the key is not in the file."""
    found = trusted.get(key)
    if found is None:
        raise SignatureRefused(
            N_(
                "the package is signed by a publisher this server does not trust; if it is "
                "expected, ask the administrator to append the publisher's line (from "
                "`signage package key` on their server) to the file named by {setting}"
            ),
            code="unknown_publisher",
            setting="SIGNAGE_TRUSTED_PUBLISHERS",
        )
    return found
