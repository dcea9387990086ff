"""Local GCP emulator (Compute Engine v1 networking and Cloud DNS v1) for the sandbox."""

from .server import Emulator, start

__all__ = ["Emulator", "start"]
