"""Kiosk settings: defaults, then a TOML file, then environment variables, then flags.

Every setting is checked when read, because a kiosk with a mistyped idle time
or exit key fails quietly in front of patients rather than loudly at install.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .pin import PinHashError, parse_pin_hash

THEMES = ("default", "high-contrast")
TEXT_SIZES = ("large", "normal")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Keys that a patient reaches for to get out; never usable as the staff or start-over key.
LOCKED_KEYS = ("ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p")
_KEY = re.compile(r"^(?:(?:ctrl|alt|shift|super)\+)*(?:f(?:[1-9]|1[0-9]|2[0-4])|[a-z0-9]|escape|backslash|delete|insert|home|end|pageup|pagedown)$")
_F_KEY = re.compile(r"^(?:shift\+)?f(?:[1-9]|1[0-9]|2[0-4])$")


class ConfigError(ValueError):
    """A setting that cannot be used, naming where it came from."""


@dataclass(frozen=True)
class KioskConfig:
    """What a kiosk may be told. Tests build one directly with short times."""

    pack: Path | None = None
    idle_seconds: float = 90.0
    countdown_seconds: float = 10.0
    exit_key: str = "f12"
    start_over_key: str = "f5"
    pin_hash: str | None = None
    theme: str = "default"
    text_size: str = "large"
    pack_check_seconds: float = 5.0
    lockout_seconds: float = 60.0
    log_file: Path | None = None
    log_level: str = "INFO"

    @property
    def high_contrast(self) -> bool:
        return self.theme == "high-contrast"

    @property
    def large_text(self) -> bool:
        return self.text_size == "large"


# setting name -> (environment variable, converter)
ENV = {
    "pack": "FAQBOT_KIOSK_PACK",
    "idle_seconds": "FAQBOT_KIOSK_IDLE",
    "countdown_seconds": "FAQBOT_KIOSK_COUNTDOWN",
    "exit_key": "FAQBOT_KIOSK_EXIT_KEY",
    "start_over_key": "FAQBOT_KIOSK_START_OVER_KEY",
    "pin_hash": "FAQBOT_KIOSK_PIN_HASH",
    "theme": "FAQBOT_KIOSK_THEME",
    "text_size": "FAQBOT_KIOSK_TEXT_SIZE",
    "pack_check_seconds": "FAQBOT_KIOSK_PACK_CHECK",
    "lockout_seconds": "FAQBOT_KIOSK_LOCKOUT",
    "log_file": "FAQBOT_KIOSK_LOG_FILE",
    "log_level": "FAQBOT_KIOSK_LOG_LEVEL",
}
NAMES = tuple(f.name for f in fields(KioskConfig))


def _number(name: str, value, where: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: '{name}' must be a number of seconds, not {value!r}") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise ConfigError(f"{where}: '{name}' must be from {low:g} to {high:g} seconds")
    return number


def _choice(name: str, value, where: str, options: tuple[str, ...]) -> str:
    text = str(value).strip()
    if name == "log_level":
        text = text.upper()
    if text not in options:
        raise ConfigError(f"{where}: '{name}' must be one of {', '.join(options)}, not {value!r}")
    return text


def _key(name: str, value, where: str) -> str:
    key = str(value).strip().lower().replace("ctrl+\\", "ctrl+backslash")
    if not _KEY.match(key):
        raise ConfigError(f"{where}: '{name}' {value!r} is not a key name such as f12 or ctrl+o")
    if not (_F_KEY.match(key) or any(key.startswith(m) for m in ("ctrl+", "alt+", "super+"))):
        raise ConfigError(f"{where}: '{name}' must be a function key or a ctrl/alt combination, "
                          "so that typing a question can never press it")
    if key in LOCKED_KEYS:
        raise ConfigError(f"{where}: '{name}' cannot be {key}: that key is locked in the kiosk")
    return key


def convert(name: str, value, where: str):
    """One setting from text or TOML value to its checked form."""
    if name == "pack" or name == "log_file":
        text = str(value).strip()
        if not text:
            raise ConfigError(f"{where}: '{name}' must be a path")
        return Path(text).expanduser()
    if name == "idle_seconds":
        return _number(name, value, where, 5, 86_400)
    if name == "countdown_seconds":
        return _number(name, value, where, 0, 600)
    if name == "pack_check_seconds":
        return _number(name, value, where, 0.5, 3_600)
    if name == "lockout_seconds":
        return _number(name, value, where, 1, 86_400)
    if name in ("exit_key", "start_over_key"):
        return _key(name, value, where)
    if name == "pin_hash":
        text = str(value).strip()
        if not text:
            return None
        try:
            parse_pin_hash(text)
        except PinHashError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        return text
    if name == "theme":
        return _choice(name, value, where, THEMES)
    if name == "text_size":
        return _choice(name, value, where, TEXT_SIZES)
    if name == "log_level":
        return _choice(name, value, where, LOG_LEVELS)
    raise ConfigError(f"{where}: unknown setting '{name}'")


def from_toml(path: Path) -> dict:
    """Settings from the [kiosk] table of a TOML file; unknown keys are errors."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        raise ConfigError("reading a --config file needs Python 3.11 or newer; use environment variables") from None
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown_tables = set(data) - {"kiosk"}
    if unknown_tables:
        raise ConfigError(f"{path}: unknown table or key {sorted(unknown_tables)[0]!r} (settings go under [kiosk])")
    table = data.get("kiosk", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'kiosk' must be a table")
    out = {}
    for name, value in table.items():
        if name not in NAMES:
            raise ConfigError(f"{path}: unknown setting '{name}' in [kiosk] (expected one of: {', '.join(NAMES)})")
        value = convert(name, value, str(path))
        if name in ("pack", "log_file") and not value.is_absolute():
            value = (path.parent / value).resolve()  # relative to the config file, not the working folder
        out[name] = value
    return out


def from_env(environ=None) -> dict:
    environ = os.environ if environ is None else environ
    out = {}
    for name, variable in ENV.items():
        raw = environ.get(variable)
        if raw is not None and raw.strip() != "":
            out[name] = convert(name, raw, f"${variable}")
    return out


def load_config(path: Path | None = None, environ=None, **flags) -> KioskConfig:
    """Defaults < config file < environment < command-line flags (None means not given)."""
    settings: dict = {}
    if path is not None:
        settings.update(from_toml(path))
    settings.update(from_env(environ))
    for name, value in flags.items():
        if value is not None:
            settings[name] = convert(name, value, f"--{name.replace('_', '-')}")
    config = replace(KioskConfig(), **settings)
    if config.exit_key == config.start_over_key:
        raise ConfigError(f"the exit key and the start-over key are both {config.exit_key}")
    if config.countdown_seconds >= config.idle_seconds:
        raise ConfigError("'countdown_seconds' must be shorter than 'idle_seconds'")
    return config


class _HeldStderr(logging.Handler):
    """Writes to stderr, or holds the last lines while a full-screen app owns the terminal."""

    def __init__(self, keep: int = 500):
        super().__init__()
        self.keep = keep
        self.holding = False
        self.held: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if self.holding:
            self.held = (self.held + [line])[-self.keep:]
            return
        try:
            print(line, file=sys.__stderr__, flush=True)
        except Exception:  # noqa: BLE001 - logging must never take the kiosk down
            pass

    def hold(self) -> None:
        self.holding = True

    def release(self) -> None:
        self.holding = False
        held, self.held = self.held, []
        for line in held:
            print(line, file=sys.__stderr__)


LOG_NAME = "faqbot.kiosk"


def setup_logging(config: KioskConfig) -> _HeldStderr | None:
    """Log to the configured file, else to stderr (held back while the screen is in use).

    Returns the stderr handler, so the caller can hold and release it around the app.
    """
    logger = logging.getLogger(LOG_NAME)
    logger.setLevel(config.log_level)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter("%(asctime)s %(levelname)s pid=%(process)d %(message)s")
    if config.log_file is not None:
        config.log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(config.log_file, encoding="utf-8")
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        return None
    held = _HeldStderr()
    held.setFormatter(formatter)
    logger.addHandler(held)
    return held
