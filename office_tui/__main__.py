"""``python -m office_tui`` is the ``office-tui`` command."""

import sys

from office_tui.cli.main import main

sys.exit(main())
