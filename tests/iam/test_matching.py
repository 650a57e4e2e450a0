import pytest

from iam.matching import ArnGlob, glob, pieces_of, split_arn


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
