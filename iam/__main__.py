"""``python -m iam``: see ``iam.cli``."""

import sys

from .cli import main

sys.exit(main())
