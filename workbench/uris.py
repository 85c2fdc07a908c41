"""Web addresses as valid URIs (RFC 3986): what the W3C export writes for every IRI it names.

`to_uri(text)` keeps a valid URI as it is and percent-encodes what would make one invalid
(spaces, `<>`, non-ASCII text, a second `#`, a stray `%`), writes an international host name in
its IDNA (punycode) form, and lower-cases the scheme. It returns None for text that has no scheme
at all, which no encoding can turn into a URI. Applying it twice changes nothing.
"""

import ipaddress
import re

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.*)\Z", re.DOTALL)
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = frozenset("!$&'()*+,;=")
_PATH = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
_QUERY = _PATH | frozenset("?")  # and fragment
_USER = _UNRESERVED | _SUB_DELIMS | frozenset(":")
_HOST = _UNRESERVED | _SUB_DELIMS
_HEX = frozenset("0123456789abcdefABCDEF")


def to_uri(text: str) -> str | None:
    """text as a valid absolute URI, or None if it has no scheme."""
    match = _SCHEME.match(text.strip())
    if not match:
        return None
    scheme, rest = match.group(1).lower(), match.group(2)
    rest, hashmark, fragment = rest.partition("#")
    rest, qmark, query = rest.partition("?")
    if rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        hier = "//" + _authority(authority) + _encode(slash + path, _PATH)
    else:
        hier = _encode(rest, _PATH)
    return (scheme + ":" + hier + (qmark and "?" + _encode(query, _QUERY))
            + (hashmark and "#" + _encode(fragment, _QUERY)))


def _encode(text: str, allowed: frozenset) -> str:
    """Percent-encode every character of text not in allowed, keeping valid %XX escapes."""
    out = []
    for i, ch in enumerate(text):
        if ch in allowed or (ch == "%" and text[i + 1:i + 2] in _HEX and text[i + 2:i + 3] in _HEX):
            out.append(ch)
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def _authority(authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    userinfo = _encode(userinfo, _USER) + at
    if hostport.startswith("[") and "]" in hostport:
        literal, _, tail = hostport[1:].partition("]")
        if _is_ip_literal(literal) and (not tail or (tail[0] == ":" and tail[1:].isdigit()) or tail == ":"):
            return userinfo + "[" + literal + "]" + tail
    host, colon, port = hostport.rpartition(":")
    if not colon or not (port.isascii() and port.isdigit() or port == ""):
        host, colon, port = hostport, "", ""
    return userinfo + _host(host) + colon + port


def _host(host: str) -> str:
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # not a valid international name: percent-encoded below
    return _encode(host, _HOST)


def _is_ip_literal(text: str) -> bool:
    if text[:1] in ("v", "V"):  # IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
        version, dot, rest = text[1:].partition(".")
        return (bool(version) and all(c in _HEX for c in version) and dot == "." and bool(rest)
                and all(c in _USER for c in rest))
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return "%" not in text  # a zone id needs encoding as %25 (RFC 6874); not worth the special case
