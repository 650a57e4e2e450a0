"""CSV exports that a spreadsheet opens safely."""

# A cell starting with one of these is run as a formula by spreadsheet programs.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: no formula from a trainee's name."""
    text = "" if value is None else str(value)
    if text.startswith(CSV_FORMULA_STARTS):
        return "'" + text
    return text
