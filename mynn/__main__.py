"""``python -m mynn``: see :mod:`mynn.cli`."""

import sys

from mynn.cli import main

sys.exit(main())
