"""Formats whose files are JSON documents (API responses), and HTTP cassettes that record them.

A JSON format registers ``detect_obj(obj)`` and ``read_obj(obj, sink, locator)`` with
:func:`register_json`; this module turns them into file formats. The ``cassette`` format unwraps
recorded HTTP exchanges (VCR.py YAML, Betamax JSON: what API client libraries record in their
tests) and hands each response body to the first JSON format that recognises it, with the
instance host of the request and the recording time as context.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlparse

import orjson

from analysis.importers.core import Sink, UnreadableFile, load_json, loads_lenient, register

JSON_FORMATS: dict[str, tuple[Callable, Callable]] = {}
_MAX_DETECT_BYTES = 64 << 20


@lru_cache(maxsize=8)
def _parsed(path: str, mtime: float):
    data = Path(path).read_bytes()
    return orjson.loads(data)


def _doc(path: Path):
    if path.suffix.lower() != ".json" or path.stat().st_size > _MAX_DETECT_BYTES:
        return None
    try:
        return _parsed(str(path), path.stat().st_mtime)
    except (orjson.JSONDecodeError, OSError):
        return None


def register_json(
    name: str, detect_obj: Callable, read_obj: Callable, *, description: str, example: str = ""
):
    """Register a JSON-document format: whole ``.json`` files, and bodies inside cassettes."""
    JSON_FORMATS[name] = (detect_obj, read_obj)

    def detect(path: Path, head: bytes) -> bool:
        obj = _doc(path)
        return obj is not None and bool(detect_obj(obj))

    def read(path: Path, sink: Sink) -> None:
        obj = load_json(path, sink)
        if not detect_obj(obj):
            sink.reject(
                "unparsed",
                "whole file",
                f"not a {name} document (its keys: "
                f"{sorted(obj)[:8] if isinstance(obj, dict) else type(obj).__name__})",
                raw=None,
            )
            return
        context = _collection_context(
            path
        )  # a file written by `dialogic collect`: its instance, time, exclusions
        if not context:
            read_obj(obj, sink, "$")
            return
        saved = {k: sink.state.get(k) for k in ("instance", "collected_at", "exclude")}
        sink.state.update({k: v for k, v in context.items() if v})
        try:
            read_obj(obj, sink, "$")
        finally:
            for k, v in saved.items():
                if v is None:
                    sink.state.pop(k, None)
                else:
                    sink.state[k] = v

    return register(name, detect, read, description=description, example=example)


def _collection_context(path: Path) -> dict | None:
    from analysis.collect.log import collection_context

    return collection_context(path)


# -------------------------------------------------------------------------------------- cassettes
def _interactions(path: Path, sink: Sink) -> tuple[list, str | None]:
    text = path.read_bytes()
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise UnreadableFile(f"{path.name} is not valid YAML ({exc})") from exc
        return (doc or {}).get("interactions") or [], None
    doc = load_json(path, sink)
    return doc.get("http_interactions") or doc.get("interactions") or [], doc.get("recorded_at")


# Authentication exchanges are not data, and their bodies (and some query strings) hold secrets.
_AUTH_PATH = re.compile(
    r"(access_token|/oauth2?/|/token$|/tokens?/|/api/v1/apps$|/authorize$|/revoke$|/login$)", re.I
)
_SECRET_KEYS = {
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "token_type",
    "password",
}
_SECRET_PARAM = re.compile(
    r"^(.*token|.*secret|.*_?key|password|sig|signature|code|auth|oauth_.*)$", re.I
)


def _redacted_uri(uri) -> str:
    """The request URI with the values of credential-like query parameters replaced by
    ``<redacted>``."""
    u = urlparse(str(uri))
    if not u.query:
        return str(uri)
    q = [
        (k, "<redacted>" if _SECRET_PARAM.search(k) else v)
        for k, v in parse_qsl(u.query, keep_blank_values=True)
    ]
    return u._replace(query=urlencode(q, safe="<>")).geturl()


def _auth_exchange(uri, obj) -> bool:
    """A token / app-registration / login exchange: recognised by its URL path or a credential
    body."""
    if _AUTH_PATH.search(urlparse(str(uri)).path or ""):
        return True
    return isinstance(obj, dict) and bool(_SECRET_KEYS & set(obj)) and len(obj) <= 12


def recorded_utc(value) -> str | None:
    """A cassette's recording time as ISO 8601 UTC, or None when it cannot be read.

    Betamax writes ``recorded_at`` as naive ISO text of the UTC time (``betamax.util.timestamp``:
    ``datetime.now(timezone.utc)`` with its offset cut off); Ruby VCR writes an HTTP date
    (``GMT``); VCR.py writes none. A naive value is therefore UTC, never a local time.
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                dt = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat()


def detect_cassette(path: Path, head: bytes) -> bool:
    return b"interactions" in head[:4000] and (b"request" in head and b"response" in head)


def read_cassette(path: Path, sink: Sink) -> None:
    interactions, recorded = _interactions(path, sink)
    recorded_file = recorded_utc(recorded)
    if recorded and not recorded_file:
        sink.note(
            f"{path.name}: recorded_at {str(recorded)[:40]!r} is not a readable time; "
            f"collected_at = import time"
        )
    if not isinstance(interactions, list):
        raise UnreadableFile(
            f"{path.name}: `interactions` is a {type(interactions).__name__}, not a list"
        )
    for i, it in enumerate(interactions):
        if not isinstance(it, dict) or not isinstance(it.get("response"), dict):
            sink.reject(
                "unparsed",
                f"interactions[{i}]",
                "an interaction without a response mapping",
                raw=repr(it),
            )
            continue
        req, resp = (
            it.get("request") if isinstance(it.get("request"), dict) else {},
            it["response"],
        )
        body = resp.get("body") or {}
        text = body.get("string") if isinstance(body, dict) else body
        loc = f"interactions[{i}] {req.get('method', '')} {_redacted_uri(req.get('uri', ''))}"
        status = (
            (resp.get("status") or {}).get("code")
            if isinstance(resp.get("status"), dict)
            else resp.get("status")
        )
        if (
            not text
            or (isinstance(status, int) and status >= 400)
            or str(req.get("method")).upper() == "DELETE"
        ):
            continue  # not data: errors, deletes, empty bodies
        if not isinstance(text, (str, bytes)):
            sink.reject(
                "unparsed",
                loc,
                f"response body is a {type(text).__name__}, not text",
                raw=repr(text),
            )
            continue
        try:
            obj = loads_lenient(text.encode() if isinstance(text, str) else text, sink)
        except orjson.JSONDecodeError:
            continue  # HTML pages, form posts: not records
        if _auth_exchange(
            req.get("uri", ""), obj
        ):  # a token endpoint: not data; its body may hold secrets
            sink.reject(
                "unparsed",
                loc,
                f"not a data response: {loc.split(' ', 1)[1].strip()} is an "
                "authentication exchange (its body is not kept: it may hold credentials)",
                raw=None,
            )
            continue
        sink.state["instance"] = urlparse(str(req.get("uri", ""))).netloc or None
        sink.state["collected_at"] = recorded_utc(it.get("recorded_at")) or recorded_file
        for det, rd in JSON_FORMATS.values():
            if det(obj):
                rd(obj, sink, loc)
                break
        else:  # a JSON body no format reads: say so rather than drop it
            keys = sorted(obj)[:8] if isinstance(obj, dict) else type(obj).__name__
            sink.reject(
                "unparsed",
                loc,
                f"response body is JSON of no known format (its keys: {keys})",
                raw=text[:5000] if isinstance(text, str) else None,
            )
    sink.state.pop("instance", None)
    sink.state.pop("collected_at", None)


register(
    "cassette",
    detect_cassette,
    read_cassette,
    description="recorded HTTP exchanges (VCR.py YAML, Betamax JSON) holding any JSON format "
    "below",
    example="dialogic import cassette tests/cassettes/*.yaml",
)
