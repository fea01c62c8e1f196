"""``python -m unsup``: the same as the ``unsup`` command."""

import sys

from unsup.cli import main

sys.exit(main())
