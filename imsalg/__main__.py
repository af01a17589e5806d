"""``python -m imsalg``: the command-line interface."""

import sys

from imsalg.cli import main

sys.exit(main())
