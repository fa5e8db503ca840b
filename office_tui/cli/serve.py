"""serve: the app in a browser, for committee members and staff without a shell account
(README "In a browser").

``office-tui serve [--host 127.0.0.1] [--port 8000] [--public-url URL]`` runs a small web
server (textual-serve). Each browser session is an app of its own, in a process of its
own, that signs its user in with a user name and password — never as the account the
server runs as — so a member reaches only their own score sheets and nobody reaches the
database file. It listens on the loopback address unless told otherwise; in front of it a
reverse proxy (nginx, Caddy) gives it TLS.

A request whose ``Host`` names another host than the one served (``--host``, the
``--public-url``'s, and on a loopback address the loopback names) is refused with 421, as
is a WebSocket opened from another site's page (its ``Origin``): a page elsewhere cannot
reach the office through a visitor's browser (DNS rebinding, cross-site WebSockets).

Starting it is an admin's act (the account running it must be linked to an admin), on an
office that has its users: the browser never creates the first admin.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from urllib.parse import urlsplit

from office_tui.cli.base import ADMIN, EXIT_OK, EXIT_USAGE, READS, CommandError, Commands
from office_tui.core.i18n import t

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def register(cli: Commands) -> None:
    serve = cli.command(cli.top, "serve", "cli.serve", _serve, opens=READS, needs=ADMIN)
    serve.add_argument("--host", default="127.0.0.1", help=t("cli.opt_serve_host"))
    serve.add_argument("--port", type=int, default=8000, help=t("cli.opt_serve_port"))
    serve.add_argument("--public-url", metavar="URL", help=t("cli.opt_serve_public_url"))


def host_name(value: str) -> str:
    """The host of a ``Host`` header or a URL's netloc, without its port, lower case."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8000
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.rsplit(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts(host: str, public_url: str | None) -> frozenset[str]:
    """The host names a request may name: the one served, the public URL's, and every
    loopback name when serving on a loopback address."""
    names = {host_name(host)}
    if public_url:
        names.add(host_name(urlsplit(public_url).netloc))
    if names & LOOPBACK_NAMES or _loopback(host):
        names |= LOOPBACK_NAMES
    return frozenset(names)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host_name(host)).is_loopback
    except ValueError:
        return False


def _serve(args, shell) -> int:
    from office_tui.core.auth import user_count

    if not 0 < args.port < 65536:
        raise CommandError("serve.bad_port", EXIT_USAGE, port=args.port)
    if args.public_url and urlsplit(args.public_url).scheme not in ("http", "https"):
        raise CommandError("serve.bad_public_url", EXIT_USAGE, url=args.public_url)
    settings = shell.settings
    if user_count(shell.engine) == 0:  # unreachable while an admin starts it; kept for clarity
        raise CommandError("login.no_users_served")
    shell.engine.dispose()
    # Each session's process finds the office as this one did (the environment, not its
    # command line: a database password must not show in the process list).
    os.environ["OFFICE_TUI_DB"] = settings.db_url
    os.environ["OFFICE_TUI_LANG"] = settings.lang
    command = shlex.join([sys.executable, "-m", "office_tui", "--served"])
    server = _server(command, args.host, args.port, args.public_url)
    print(t("serve.serving", url=server.public_url, hosts=", ".join(sorted(server.allowed))), flush=True)
    server.serve()
    return EXIT_OK


def _server(command: str, host: str, port: int, public_url: str | None):
    from aiohttp import web
    from textual_serve.server import Server

    allowed = allowed_hosts(host, public_url)

    @web.middleware
    async def only_this_host(request, handler):
        if host_name(request.headers.get("Host", "")) not in allowed:
            return web.Response(status=421, text="Misdirected Request\n")
        origin = request.headers.get("Origin")
        if origin and host_name(urlsplit(origin).netloc) not in allowed:
            return web.Response(status=403, text="Forbidden\n")
        response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    class OfficeServer(Server):
        async def _make_app(self):
            app = await super()._make_app()
            app.middlewares.append(only_this_host)
            return app

    server = OfficeServer(command, host=host, port=port, title=t("app.title"), public_url=public_url)
    server.allowed = allowed
    return server
