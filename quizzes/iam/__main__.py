"""``python -m quizzes.iam``: see ``quizzes.iam.cli``."""

import sys

from .cli import main

sys.exit(main())
