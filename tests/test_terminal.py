"""Telling a live terminal from one whose other end has gone (a dropped SSH session)."""

import os
import sys

import pytest

from office_tui.core.terminal import hung_up


@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals")
def test_a_pty_hangs_up_when_its_other_end_closes():
    master, slave = os.openpty()
    try:
        assert not hung_up(slave)
        os.write(master, b"x")  # pending input is not a hang-up
        assert not hung_up(slave)
        os.close(master)
        master = None
        assert hung_up(slave)
    finally:
        if master is not None:
            os.close(master)
        os.close(slave)
