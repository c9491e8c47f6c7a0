"""`faqbot kiosk` and `faqbot serve`: the chat for a shared screen, in a terminal or a browser."""

from __future__ import annotations

import argparse
import importlib.util
import getpass
import ipaddress
import logging
import os
import sys
import time
from pathlib import Path

from .common import CommandError, drafts_option, pack_dir

log = logging.getLogger("faqbot.kiosk")

RELAUNCHES = 5            # fresh kiosks started after fatal errors ...
RELAUNCH_WINDOW = 600.0   # ... within this many seconds before giving up with an error


def register(sub, common: argparse.ArgumentParser) -> None:
    kiosk = sub.add_parser(
        "kiosk",
        parents=[common],
        help="run the chat locked full screen on a shared machine",
        description=(
            "Run the chat as a kiosk: full screen, locked, wiped after each person. "
            "Settings come from --config, then FAQBOT_KIOSK_* environment variables, then these flags."
        ),
    )
    _kiosk_options(kiosk)
    kiosk.add_argument("--idle", type=float, metavar="SECONDS", help="wipe the conversation after this long without input (default 90)")
    kiosk.add_argument("--exit-key", metavar="KEY", help="the staff exit key (default f12)")
    kiosk.add_argument("--theme", choices=("default", "high-contrast"), help="colours (default: default)")
    kiosk.add_argument("--text-size", choices=("large", "normal"), help="text size (default: large)")
    kiosk.add_argument("--log-file", type=Path, metavar="FILE", help="write the kiosk log here (default: stderr)")
    kiosk.add_argument("--hash-pin", action="store_true", help="read a staff PIN without echo and print the line to put in the config")
    kiosk.set_defaults(func=run_kiosk)

    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="serve the kiosk (or the chat) as a web page, one process per browser tab",
        description="Serve the kiosk as a web page. Each browser tab gets its own process; closing the tab ends it.",
    )
    _kiosk_options(serve)
    serve.add_argument("--chat", action="store_true", help="serve the ordinary chat instead of the kiosk")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--max-sessions", type=int, default=None, metavar="N", help="refuse new tabs beyond this many open sessions")
    serve.add_argument("--font-size", type=int, default=None, metavar="PX", help="terminal font size in the page (default 20)")
    serve.set_defaults(func=run_serve)


def _kiosk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", help="kiosk settings file (TOML, a [kiosk] table)")
    drafts_option(parser)


def _config(args: argparse.Namespace, **flags):
    from ..kiosk.config import ConfigError, load_config

    try:
        return load_config(args.config, **flags)
    except ConfigError as exc:
        raise CommandError(f"kiosk settings: {exc}") from None


def _folder(args: argparse.Namespace, config) -> Path:
    """--pack, else the kiosk setting, else $FAQBOT_PACK or the bundled pack."""
    given = getattr(args, "pack", None)
    return Path(given) if given else (config.pack or pack_dir(args))


def _checked_pack(folder: Path, allow_drafts: bool):
    """The pack, or a non-zero exit listing every reason it may not be shown."""
    from ..kiosk.gate import open_checked

    pack, problems = open_checked(folder, allow_drafts)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        log.error("pack refused: %d problem(s), the first: %s", len(problems), problems[0])
        hint = "" if allow_drafts else " (--allow-drafts shows drafts under a sample-content banner, for demonstrations only)"
        raise CommandError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {folder}: "
                           f"refusing to show it to patients{hint}", code=1)
    return pack


def read_new_pin() -> str:
    pin = getpass.getpass("New staff PIN: ")
    again = getpass.getpass("Same PIN again: ")
    if pin != again:
        raise CommandError("the two PINs differ; nothing printed")
    return pin


def run_kiosk(args: argparse.Namespace) -> int:
    if args.hash_pin:
        from ..kiosk.pin import hash_pin

        try:
            print(hash_pin(read_new_pin()))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        return 0

    from ..kiosk.config import setup_logging

    config = _config(args, idle_seconds=args.idle, exit_key=args.exit_key, theme=args.theme,
                     text_size=args.text_size, log_file=args.log_file)
    try:
        held = setup_logging(config)
    except OSError as exc:
        raise CommandError(f"cannot open the kiosk log: {exc}") from None
    folder = _folder(args, config)
    pack = _checked_pack(folder, args.allow_drafts)

    from ..router import Router

    router = Router(pack, allow_drafts=args.allow_drafts)
    log.info("kiosk starting: pack %s %s from %s, %d answers served; idle %gs, exit key %s, start-over key %s",
             pack.name, pack.version, folder, len(router.answers), config.idle_seconds, config.exit_key, config.start_over_key)
    if not config.pin_hash:
        log.warning("no staff PIN is configured: this kiosk cannot be left from the keyboard "
                    "(stop it from the service manager; set pin_hash to allow a staff exit)")
    if args.allow_drafts:
        log.warning("drafts allowed: sample content, not reviewed by a clinician, is shown under a banner")

    # Keys like ctrl+c and ctrl+z must reach the app as keys, never as signals.
    os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
    web = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
    return _run_until_staff_exit(router, config, folder, args.allow_drafts, held if not web else None, web)


def _run_until_staff_exit(router, config, folder, allow_drafts, held, web) -> int:
    """Run the kiosk; after a fatal error in a terminal, start a fresh one on the attract screen."""
    from ..kiosk.app import KioskApp

    restarts: list[float] = []
    while True:
        app = KioskApp(router, config, pack_dir=folder, allow_drafts=allow_drafts)
        if held is not None:
            held.hold()
        try:
            app.run()
        finally:
            if held is not None:
                held.release()
        if app.left_by_staff:
            log.info("kiosk stopped by staff")
            return 0
        code = app.return_code or 0
        if code == 0 or web:
            return code
        now = time.monotonic()
        restarts = [t for t in restarts if now - t < RELAUNCH_WINDOW] + [now]
        if len(restarts) > RELAUNCHES:
            log.critical("the kiosk failed %d times in %d s; giving up", len(restarts), RELAUNCH_WINDOW)
            return code
        log.error("the kiosk stopped after an error; starting a fresh one")
        router = app.router


def run_serve(args: argparse.Namespace) -> int:
    from .. import serve as web

    config = _config(args)
    folder = _folder(args, config)
    if args.chat:
        from .common import open_pack

        pack = open_pack(args, folder)  # the chat marks drafts itself; it only needs a pack that loads
    else:
        pack = _checked_pack(folder, args.allow_drafts)
    argv = ["chat" if args.chat else "kiosk", "--pack", str(Path(folder).resolve())]
    if not args.chat:
        if args.config:
            argv += ["--config", str(Path(args.config).resolve())]
    if args.allow_drafts:
        argv += ["--allow-drafts"]
    if not 0 < args.port < 65536:
        raise CommandError("--port must be from 1 to 65535")
    if importlib.util.find_spec("textual_serve") is None:
        raise CommandError("faqbot serve needs the web extra: pip install -e '.[serve]'")
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if not loopback:
        log.warning("listening on %s: reachable from other machines; put a TLS reverse proxy in front", args.host)
    options = {"host": args.host, "port": args.port, "title": pack.name, "kiosk": not args.chat}
    if args.max_sessions is not None:
        if args.max_sessions < 1:
            raise CommandError("--max-sessions must be at least 1")
        options["max_sessions"] = args.max_sessions
    if args.font_size is not None:
        options["font_size"] = args.font_size
    web.serve(web.app_command(argv), **options)
    return 0
