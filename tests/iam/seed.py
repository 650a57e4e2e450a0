"""The two policies of the seed document, as the trainees read them."""

import re
from pathlib import Path

# A verbatim copy of the seed's two policy blocks, kept in the repository.
SEED = Path(__file__).resolve().parent / "data" / "seed-policies.md"


def seed_policies() -> list[str]:
    """The JSON blocks of the seed document, in order."""
    text = SEED.read_text(encoding="utf-8")
    return re.findall(r"```\n(.*?)```", text, re.DOTALL)
