"""Pseudonymize authors who are not the page owner with a keyed hash.

A plain hash of a public user id can be reversed by hashing every known id; a *keyed* hash
(HMAC-SHA256 with a secret key) cannot without the key. The key lives in one local file,
:data:`analysis.config.PSEUDONYM_KEY_FILE`, outside git and outside every report; it is created on
first use with mode 600. Keep it to re-import later data with the same pseudonyms; delete it to
make
the pseudonyms unlinkable for good.

Examples
--------
>>> from analysis.privacy import pseudonymize
>>> pseudonymize("twitter:12", key=b"k" * 32)
'twitter:anon:3f7c6d4c094375d3'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from analysis import config

#: Marker inside a pseudonymized id (``<platform>:anon:<16 hex>``); ids carrying it are never
#: re-hashed.
ANON_MARK = ":anon:"
_KEY_BYTES = 32


def load_key(path: Path | None = None, create: bool = True) -> bytes:
    """Return the secret pseudonymization key, creating it (mode 600) on first use.

    Parameters
    ----------
    path
        Key file; default :data:`analysis.config.PSEUDONYM_KEY_FILE` (``DIALOGIC_KEY_FILE``
        overrides).
    create
        Create a new random key when the file does not exist.

    Raises
    ------
    FileNotFoundError
        When the file is missing and ``create`` is false.
    ValueError
        When the file holds fewer than 16 bytes (a truncated key would weaken every pseudonym).
    """
    path = Path(path or config.PSEUDONYM_KEY_FILE)
    if not path.exists():
        if not create:
            raise FileNotFoundError(
                f"pseudonym key {path} does not exist. Fix: import once with "
                "pseudonymization on (it creates the key), or set DIALOGIC_KEY_FILE."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(_KEY_BYTES).encode())
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise ValueError(
            f"pseudonym key {path} is too short ({len(key)} bytes). Fix: delete it to make a new "
            "one (pseudonyms of earlier imports will then differ)."
        )
    return key


def pseudonymize(author_id: str, key: bytes) -> str:
    """Keyed hash of a namespaced author id, keeping the platform prefix.

    ``twitter:12`` becomes ``twitter:anon:<first 16 hex of HMAC-SHA256(key, "twitter:12")>``.
    64 bits make collisions negligible below billions of authors. Already pseudonymized ids are
    returned unchanged, so re-importing canonical tables is idempotent.
    """
    if ANON_MARK in author_id:
        return author_id
    platform = author_id.split(":", 1)[0]
    digest = hmac.new(key, author_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return f"{platform}{ANON_MARK}{digest}"


def pseudonymize_many(author_ids, key: bytes) -> dict[str, str]:
    """Map each distinct id of ``author_ids`` to its pseudonym (hash each id once)."""
    return {a: pseudonymize(a, key) for a in set(author_ids)}
