"""The two policies of the seed document, as the trainees read them."""

import re
from pathlib import Path

SEED = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "seed"
    / "shared-responsibility-and-iam.txt"
)


def seed_policies() -> list[str]:
    """The JSON blocks of the seed document, in order."""
    text = SEED.read_text(encoding="utf-8")
    return re.findall(r"```\n(.*?)```", text, re.DOTALL)
