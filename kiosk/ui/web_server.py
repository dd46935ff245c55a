"""textual-serve's web server for `kiosk serve`, with a page that loads nothing from outside the host.

textual-serve's page (`templates/app_index.html`, textual-serve 1.1.3) links its terminal font
from fonts.googleapis.com. At a venue without internet that request fails (the terminal falls back
to whatever monospace font the tablet has), and where there is internet it tells Google the
address of every kiosk that opens the page, which an organiser would have to account for under
the AVG (GDPR). The font it asks for, Roboto Mono (Apache License 2.0, by the Roboto Mono Project
Authors), already ships inside the textual-serve wheel under `static/fonts/`, which the server
serves itself: so the page gets that file from the host instead.

Why a subclass that rewrites one `<link>` of the rendered page, and not a copy of the template or
of textual-serve: everything else on the page (its script, its websocket, its dialogs) stays
textual-serve's own, and a textual-serve upgrade changes it for us. The page's
Content-Security-Policy then lets the browser fetch only from this server, so a later template
that adds another outside resource is refused by the browser rather than sent off the host.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

# The font textual.js asks for ("'Roboto Mono', Monaco, 'Courier New', monospace").
FONT_FAMILY = "Roboto Mono"
FONT_FILE = "fonts/RobotoMono-VariableFont_wght.ttf"
# Any stylesheet link to Google's font service, however a later template words its query.
_GOOGLE_FONTS_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://fonts\.(?:googleapis|gstatic)\.com[^\"]*\"[^>]*>",
                                re.IGNORECASE | re.DOTALL)


def font_face(font_url: str) -> str:
    """The page's own font: preloaded (the terminal measures its cells once, at start) and declared."""
    return (f'<link rel="preload" href="{font_url}" as="font" type="font/ttf" crossorigin />\n'
            f"    <style>@font-face {{ font-family: \"{FONT_FAMILY}\"; src: url(\"{font_url}\") format(\"truetype\");"
            " font-weight: 100 700; font-style: normal; font-display: block; }</style>")


def content_security_policy(public_url: str) -> str:
    """Fetch only from this page's own origin and from the address the page's links name.

    textual-serve writes its links (scripts, styles, the websocket) with the server's public URL,
    which is another origin when a browser opens the page by another name (localhost for
    127.0.0.1); inline script and style are textual-serve's own page.
    """
    parts = urlsplit(public_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    here = f"'self' {origin}"
    return "; ".join([
        f"default-src {here}",
        f"script-src {here} 'unsafe-inline'",
        f"style-src {here} 'unsafe-inline'",
        f"img-src {here} data: blob:",
        f"font-src {here} data:",
        f"connect-src {here} {websocket}",
        "object-src 'none'",
        "base-uri 'none'",
    ])


class KioskServer(Server):
    """textual-serve's `Server` whose index page uses the font it serves itself and says so in its CSP."""

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        """textual-serve's page, with the Google Fonts link replaced by the font from /static/."""
        response = await super().handle_index(request)
        # A path without a host: the font comes from wherever the page came from (fonts, unlike
        # scripts, are refused cross-origin), under the public URL's path when behind a proxy.
        prefix = urlsplit(self.public_url).path.rstrip("/")
        font_path = request.app.router["static"].url_for(filename=f"/{FONT_FILE}")
        response.text = _GOOGLE_FONTS_LINK.sub(font_face(f"{prefix}{font_path}"), response.text, count=1)
        response.headers["Content-Security-Policy"] = content_security_policy(self.public_url)
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
