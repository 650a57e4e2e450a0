"""Names people type: kept as they wrote them, minus what can disguise them."""

import re

# The characters that change the direction of the text around them (Unicode's
# bidirectional controls: embeddings, overrides, isolates and marks). A name
# with U+202E reverses whatever follows it on the page, such as "(guest)".
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_name(text: str) -> str:
    """``text`` without bidirectional controls, its white space collapsed."""
    return " ".join(BIDI_CONTROLS.sub("", text).split())
