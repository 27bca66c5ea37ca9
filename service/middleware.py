"""Headers on every response: the security headers, and Private Network Access on CORS preflights.

Pure ASGI (not Starlette's BaseHTTPMiddleware, which runs each request through a task and memory
streams): it only adds headers to the message that starts a response, a few microseconds a request.
Outside the CORS middleware, so that they reach its preflight answers and every error too.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "ResponseHeaders"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
"""Scripts only from the service's own files (no inline script, no `javascript:` link runs); styles
may be set by the vendored libraries, which write them at run time; nothing loads from elsewhere."""
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
PRIVATE_NETWORK_REQUEST = b"access-control-request-private-network"
PRIVATE_NETWORK_ALLOWED = (b"access-control-allow-private-network", b"true")
"""A page on a public origin may call this service on an intranet or localhost (a hosted query
editor): Chrome asks first with this preflight header (Private Network Access)."""


class ResponseHeaders:
    """Adds SECURITY_HEADERS to every HTTP response (unless the response set one itself), and allows
    private-network access on the CORS preflights that ask for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private_network = scope["method"] == "OPTIONS" and any(
            name == PRIVATE_NETWORK_REQUEST and value.lower() == b"true" for name, value in scope["headers"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [header for header in SECURITY_HEADERS if header[0] not in present]
                if private_network:
                    headers.append(PRIVATE_NETWORK_ALLOWED)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
