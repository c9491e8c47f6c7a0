"""The staff PIN: stored only as a salted scrypt hash, guarded against guessing."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from dataclasses import dataclass, field
from typing import Callable

SCHEME = "scrypt"
# Interactive-login strength: about 50 ms per try on a small machine, 16 MiB of memory.
N, R, P, DKLEN = 2**14, 8, 1, 32
MIN_PIN_LENGTH = 4
MAX_WRONG = 3
LOCK_SECONDS = 60.0


class PinHashError(ValueError):
    """The configured PIN hash is not one this code can check."""


def _derive(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=DKLEN)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The line to put in the config: 'scrypt$<salt hex>$<hash hex>'."""
    if len(pin) < MIN_PIN_LENGTH:
        raise ValueError(f"a PIN needs at least {MIN_PIN_LENGTH} characters")
    salt = os.urandom(16) if salt is None else salt
    return f"{SCHEME}${salt.hex()}${_derive(pin, salt).hex()}"


def parse_pin_hash(line: str) -> tuple[bytes, bytes]:
    """Split and validate a hash line, so a typo is found at start, not at the first exit."""
    parts = line.strip().split("$")
    if len(parts) != 3 or parts[0] != SCHEME:
        raise PinHashError("PIN hash must look like 'scrypt$<salt>$<hash>' (make one with 'faqbot kiosk --hash-pin')")
    try:
        salt, digest = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        raise PinHashError("PIN hash salt and hash must be hexadecimal") from None
    if len(salt) < 8 or len(digest) != DKLEN:
        raise PinHashError("PIN hash has a salt or hash of the wrong length")
    return salt, digest


def verify_pin(pin: str, line: str) -> bool:
    salt, digest = parse_pin_hash(line)
    return hmac.compare_digest(_derive(pin, salt), digest)


@dataclass
class PinGuard:
    """Checks PINs and locks the exit for a while after too many wrong ones.

    The clock is injectable so the lock can be tested without waiting.
    """

    pin_hash: str | None
    clock: Callable[[], float] = time.monotonic
    max_wrong: int = MAX_WRONG
    lock_seconds: float = LOCK_SECONDS
    wrong: int = field(default=0, init=False)
    locked_until: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if self.pin_hash:
            parse_pin_hash(self.pin_hash)

    @property
    def configured(self) -> bool:
        return bool(self.pin_hash)

    def seconds_locked(self) -> float:
        """How long the exit stays locked; 0 when a PIN may be tried."""
        left = self.locked_until - self.clock()
        if left <= 0 and self.locked_until:
            self.locked_until = 0.0
            self.wrong = 0
        return max(0.0, left)

    def attempt(self, pin: str) -> str:
        """'ok', 'wrong', 'locked' (now or already) or 'disabled' (no PIN configured)."""
        if not self.configured:
            return "disabled"
        if self.seconds_locked() > 0:
            return "locked"
        if verify_pin(pin, self.pin_hash or ""):
            self.wrong = 0
            return "ok"
        self.wrong += 1
        if self.wrong >= self.max_wrong:
            self.locked_until = self.clock() + self.lock_seconds
            return "locked"
        return "wrong"
