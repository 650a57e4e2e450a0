"""Content files are read strictly, with the line every mapping starts on."""

import json

import pytest

from curriculum.files import LINE, ImportFileError, read_document, strip_lines


def test_json_mappings_carry_the_line_they_start_on():
    text = '{\n  "questions": [\n    {"slug": "a"},\n    {\n      "slug": "b"}\n  ]\n}'
    document = read_document(text, format="json", key="questions")
    assert [q[LINE] for q in document["questions"]] == [3, 4]
    assert strip_lines(document) == {"questions": [{"slug": "a"}, {"slug": "b"}]}


def test_a_json_key_given_twice_is_refused_with_its_line():
    text = '{"questions": [\n  {"slug": "a", "slug": "b"}]}'
    with pytest.raises(ImportFileError) as error:
        read_document(text, format="json", key="questions")
    assert str(error.value) == "line 2: Not valid: The key 'slug' appears twice."


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_nesting_far_deeper_than_any_question_is_refused(format):
    text = "[" * 5000 + "]" * 5000
    with pytest.raises(ImportFileError, match="nests far deeper than any question"):
        read_document(text, format=format, key="questions")


def test_json_files_are_not_held_to_the_size_of_a_policy():
    """A question file may be far larger than the engine's policy limits."""
    questions = [{"slug": f"q{i}", "topics": ["a", "b", "c"]} for i in range(20_000)]
    text = json.dumps({"questions": questions})
    assert len(text) > 131_072
    document = read_document(text, format="json", key="questions")
    assert len(document["questions"]) == 20_000


def _billion_laughs() -> str:
    """Nine levels of nested aliases, about 700 bytes: 10**9 strings expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        refs = ",".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("questions: *a8")
    return "\n".join(lines) + "\n"


def test_a_yaml_billion_laughs_is_refused_at_once():
    """Issue 14, item 6: aliases are refused with their line, before anything
    walks the expansion (which ran for over a minute)."""
    text = _billion_laughs()
    assert len(text) < 800
    with pytest.raises(ImportFileError) as error:
        read_document(text, format="yaml", key="questions")
    assert str(error.value).startswith("line 2: Not valid YAML: aliases (*a0)")
    assert "write the value out" in str(error.value)


def test_a_yaml_anchor_without_an_alias_still_reads():
    document = read_document(
        "questions: &all\n  - slug: a\n", format="yaml", key="questions"
    )
    assert strip_lines(document) == {"questions": [{"slug": "a"}]}
