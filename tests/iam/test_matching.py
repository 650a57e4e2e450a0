import pytest

from iam.matching import (
    ArnGlob,
    arn_tokens,
    glob,
    pieces_of,
    region_witnesses,
    split_arn,
)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("s3:GetObject", "s3:GetObject", True),
        ("s3:Get*", "s3:GetObject", True),
        ("s3:Get*", "s3:PutObject", False),
        ("s3:*Object", "s3:GetObject", True),
        ("s3:*Object", "s3:GetObjectAcl", False),
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:Get?bject", "s3:Getbject", False),
        ("*", "", True),
        ("", "", True),
        ("", "a", False),
        ("a*b*c", "abc", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "acb", False),
        ("ab*ba", "aba", False),
        ("*?", "", False),
        ("*?", "x", True),
        ("a+b", "a+b", True),
        ("a+b", "aab", False),
        ("[x]", "[x]", True),
        ("[x]", "x", False),
        ("(a|b)", "(a|b)", True),
        ("(a|b)", "a", False),
        ("a.c", "abc", False),
        ("\\d", "\\d", True),
        ("^$", "^$", True),
    ],
)
def test_glob_treats_only_star_and_question_mark_as_wildcards(pattern, text, expected):
    assert glob(pattern).match(text) is expected


def test_lowered_glob_matches_lowered_text():
    assert glob("S3:GET*", lower=True).match("s3:getobject")


def test_pathological_pattern_answers_at_once():
    text = "a" * 10_000
    assert glob("a*a*a*a*a*a*b").match(text) is False
    assert glob("*a*a*a*a*a*a*a*a*a*a*?b").match(text) is False
    assert glob("a*a*a*a*a*a*a").match(text) is True


def test_arn_pattern_keeps_wildcards_within_a_segment():
    pattern = ArnGlob(pieces_of("arn:aws:s3:::*"))
    assert pattern.match("arn:aws:s3:::bucket/key/with:colon")
    region_wild = ArnGlob(pieces_of("arn:aws:ec2:*:111122223333:instance/*"))
    assert region_wild.match("arn:aws:ec2:us-east-1:111122223333:instance/i-1")
    assert not region_wild.match("arn:aws:ec2:us-east-1:444455556666:instance/i-1")
    # A * in the region segment does not swallow the account.
    sneaky = ArnGlob(pieces_of("arn:aws:ec2:*:instance/*"))
    assert not sneaky.match("arn:aws:ec2:us-east-1:111122223333:instance/i-1")


def test_arn_resource_segment_wildcard_spans_colons_and_slashes():
    pattern = ArnGlob(pieces_of("arn:aws:logs:us-east-1:111122223333:log-group:app-*"))
    assert pattern.match(
        "arn:aws:logs:us-east-1:111122223333:log-group:app-web:log-stream:x/y"
    )


def test_arn_matching_is_case_sensitive():
    pattern = ArnGlob(pieces_of("arn:aws:s3:::Bucket/*"))
    assert pattern.match("arn:aws:s3:::Bucket/a")
    assert not pattern.match("arn:aws:s3:::bucket/a")


def test_non_arn_pattern_matches_the_whole_text():
    assert ArnGlob(pieces_of("*")).match("anything at all")
    assert ArnGlob(pieces_of("arn:aws:*")).match("arn:aws:s3:::b")


def test_split_arn():
    assert split_arn("arn:aws:s3:::b/k:x") == ["arn", "aws", "s3", "", "", "b/k:x"]
    assert split_arn("not-an-arn") is None
    assert split_arn("arn:aws:s3") is None


def test_region_witnesses_finds_every_combination_a_text_can_give():
    domain = tuple(arn_tokens(pieces_of("arn:aws:iam::*:role/*")))
    wide = tuple(arn_tokens(pieces_of("arn:aws:iam::111122223333:role/*")))
    one = tuple(arn_tokens(pieces_of("arn:aws:iam::111122223333:role/ReadOnly")))
    found, complete = region_witnesses(domain, (wide, one), 1000)
    assert complete
    assert set(found) == {(False, False), (True, False), (True, True)}
    for (in_wide, in_one), text in found.items():
        assert glob("arn:aws:iam::111122223333:role/*").match(text) is in_wide
        assert (text == "arn:aws:iam::111122223333:role/ReadOnly") is in_one


def test_region_witnesses_agree_with_arn_matching_part_by_part():
    sources = [
        "arn:aws:s3:*:accesspoint/*",
        "arn:aws:s3:*",
        "arn:aws:s3:us-?ast-1:*:accesspoint/finance-*",
        "*finance*",
    ]
    domain = tuple(arn_tokens(pieces_of("arn:aws:s3:*:*:accesspoint/*")))
    patterns = tuple(tuple(arn_tokens(pieces_of(source))) for source in sources)
    found, complete = region_witnesses(domain, patterns, 10_000)
    assert complete
    assert (False, True, True, True) in found
    assert (False, True, False, False) in found
    for signature, text in found.items():
        assert ArnGlob(pieces_of("arn:aws:s3:*:*:accesspoint/*")).match(text)
        matched = tuple(ArnGlob(pieces_of(source)).match(text) for source in sources)
        assert matched == signature


def test_region_witnesses_says_when_it_stopped_short():
    domain = tuple(arn_tokens(pieces_of("*")))
    patterns = tuple(tuple(arn_tokens(pieces_of(f"*a{'?' * n}"))) for n in range(6))
    found, complete = region_witnesses(domain, patterns, 10)
    assert not complete
