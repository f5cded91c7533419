"""Secrets stay in the environment: refuse them as parameters, find them in outputs.

API tokens and passwords reach a notebook only through environment variables (read by the
package, e.g. an importer). They must never end up in parameters (papermill writes those into the
notebook), in notebook metadata or in a report. After a run every output file is scanned for the
*values* of secret-looking environment variables; a hit fails the run
(:data:`~analysis.runner.errors.EXIT_SECRET_LEAK`) and names the variable and the file, never the
value.

A variable counts as secret when its name matches :data:`SECRET_NAME` (``TOKEN``, ``SECRET``,
``KEY``, ``PASSWORD``, ``PASSWD``, ``CREDENTIAL``, ``AUTH``, ``PRIVATE``, ``COOKIE``, ``SESSION``)
and its value has at least :data:`MIN_SECRET_LENGTH` characters (shorter values such as ``1`` or
``yes`` would match everywhere). Each value is searched as written, JSON-escaped, HTML-escaped and
URL-encoded, the forms it takes inside notebooks and pages.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import quote

SECRET_NAME = re.compile(
    r"TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION", re.I
)
MIN_SECRET_LENGTH = 8
#: Variables that match the name pattern but are not secrets (paths and public settings).
NOT_SECRET = {
    "DIALOGIC_KEY_FILE",
    "SSH_AUTH_SOCK",
    "GPG_AGENT_INFO",
    "XAUTHORITY",
    "KEYTIMEOUT",
    "JPY_SESSION_NAME",
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_SESSION_ID",
    "XDG_SESSION_TYPE",
    "XDG_SESSION_CLASS",
    "XDG_SESSION_DESKTOP",
    "SESSION_MANAGER",
}


#: Names that point to where a secret is kept, not to the secret (``*_KEY_FILE``,
#: ``*_TOKEN_PATH``).
LOCATION_NAME = re.compile(r"_(FILE|PATH|DIR|SOCK|SOCKET)$", re.I)


def secret_values(environ=None) -> dict[str, str]:
    """Name -> value of the secret-looking environment variables (see module docstring).

    Variables that name a location (``*_FILE``, ``*_PATH``, ``*_DIR``) or hold an existing path
    are not secrets: their value is where a secret lives, and paths appear in reports legitimately.
    """
    env = os.environ if environ is None else environ
    return {
        k: v
        for k, v in env.items()
        if SECRET_NAME.search(k)
        and k not in NOT_SECRET
        and not LOCATION_NAME.search(k)
        and len(v.strip()) >= MIN_SECRET_LENGTH
        and not (v.startswith("/") and os.path.exists(v))
    }


def _forms(value: str) -> set[bytes]:
    texts = {value, json.dumps(value)[1:-1], html.escape(value), quote(value, safe="")}
    return {t.encode("utf-8") for t in texts}


def find_secrets(data: bytes, environ=None) -> list[str]:
    """Names of the secret variables whose value occurs in ``data``."""
    return [
        name
        for name, value in secret_values(environ).items()
        if any(f in data for f in _forms(value))
    ]


def redact(text: str, environ=None) -> str:
    """``text`` with every secret value replaced by ``[secret $NAME]`` (for failure pages)."""
    for name, value in secret_values(environ).items():
        for form in _forms(value):
            text = text.replace(form.decode(), f"[secret ${name}]")
    return text


def scan_tree(root: Path, environ=None) -> list[tuple[str, str]]:
    """(file, variable) for every secret value found in a file under ``root``."""
    hits = []
    if not secret_values(environ):
        return hits
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            hits += [(str(path), name) for name in find_secrets(path.read_bytes(), environ)]
    return hits


def secret_in_parameter(name: str, value) -> str:
    """Why a parameter must not be passed (a secret-looking name with a value, or a secret's
    value); '' if fine."""
    if (
        SECRET_NAME.search(name)
        and value not in ("", None, [], {})
        and not isinstance(value, (bool, int, float))
    ):
        return "looks like a secret (its name matches TOKEN/SECRET/KEY/PASSWORD...)"
    text = json.dumps(value, default=str).encode()
    leaked = find_secrets(text)
    if leaked:
        return f"contains the value of the secret environment variable ${leaked[0]}"
    return ""
