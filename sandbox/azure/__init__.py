"""Local Azure Resource Manager emulator (https, self-signed) for the cloudnet.privatelink sandbox."""

from .server import Emulator, start

__all__ = ["Emulator", "start"]
