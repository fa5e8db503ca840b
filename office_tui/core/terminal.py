"""Is the terminal still there? An SSH connection that drops leaves the app reading a
hung-up terminal, where Textual's input thread would spin at full CPU for ever (select
says "readable", read gives nothing). The app asks every few seconds and leaves."""

from __future__ import annotations

import select


def hung_up(fd: int) -> bool:
    """True when ``fd`` (the terminal) has hung up or is no longer valid. Never blocks;
    always False where poll() does not exist (Windows)."""
    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLHUP)
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _fd, mask in poller.poll(0))
