"""Constants shared by the Azure module tests (a plain module: ``conftest`` names collide across test trees)."""

LOCATION = "westeurope"
POLL = 0.05  # polling_interval for every long-running operation (the emulator sends no Retry-After)
