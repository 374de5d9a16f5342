"""The security headers every response carries (R-SEC-2), asserted by the permission
matrix on every URL × role × method and by tests/test_security_headers.py."""

from __future__ import annotations

# What a strict policy must say, directive by directive; nothing may add a source to them.
STRICT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"directive stated twice: {words[0]}"
            directives[words[0]] = words[1:]
    return directives


def security_header_problems(response, *, static: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if csp is None:
        problems.append("no Content-Security-Policy")
    else:
        if "unsafe" in csp or "nonce-" in csp or "sha256-" in csp:
            problems.append(f"CSP not strict: {csp}")
        if parse_csp(csp) != STRICT_CSP:
            problems.append(f"CSP differs from the strict policy: {csp}")
    permissions = response.headers.get("Permissions-Policy", "")
    refused = {item.strip() for item in permissions.split(",")}
    missing = [feature for feature in DENIED_FEATURES if f"{feature}=()" not in refused]
    if missing:
        problems.append(f"Permissions-Policy does not refuse {missing}: {permissions!r}")
    if not static and response.headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}, not 'no-store'")
    return problems
