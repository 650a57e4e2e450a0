from iam import catalog, expand_actions


def test_expand_actions_lists_concrete_actions():
    actions = expand_actions("s3:Get*")
    assert "s3:GetObject" in actions and "s3:GetBucketPolicy" in actions
    assert all(a.lower().startswith("s3:get") for a in actions)
    assert "s3:PutObject" not in actions


def test_expand_actions_is_case_insensitive_and_handles_question_marks():
    assert expand_actions("IAM:getuser") == ["iam:GetUser"]
    assert "iam:GetUser" in expand_actions("iam:?etUser")


def test_expand_unknown_or_malformed_patterns():
    assert expand_actions("nosuchservice:*") == []
    assert expand_actions("s3GetObject") == []
    assert len(expand_actions("*")) > 10_000


def test_catalog_knows_resource_types_and_arn_templates():
    assert "object" in {
        t.rstrip("*") for t in catalog.resource_types_for_action("s3:GetObject")
    }
    assert catalog.arn_template("s3", "bucket") == "arn:${Partition}:s3:::${BucketName}"
    assert (
        catalog.example_arn("s3", "bucket", BucketName="reports")
        == "arn:aws:s3:::reports"
    )
    assert "bucket" in catalog.resource_type_of_arn("s3", "arn:aws:s3:::reports")
    assert catalog.access_level("s3:GetObject") == "Read"
    assert "iam:ChangePassword" in catalog.actions_for_service("iam")


def test_catalog_knows_condition_key_types():
    keys = catalog.condition_keys("s3")
    assert any(t.startswith("ArrayOf") or t == "String" for t in keys.values())


def test_expansions_are_remembered_but_each_caller_gets_its_own_list():
    first = expand_actions("s3:*Object")
    first.clear()
    again = expand_actions(" S3:*object ")
    assert "s3:GetObject" in again
    assert again == expand_actions("s3:*Object")
    assert "s3:GetObject" in expand_actions("*:GetObject")


def test_global_condition_keys_cover_every_key_lint_knows():
    from iam.catalog import GLOBAL_CONDITION_KEYS
    from iam.lint import MULTIVALUED_GLOBAL_KEYS, SINGLE_VALUED_GLOBAL_KEYS

    spelt = {key.lower() for key in GLOBAL_CONDITION_KEYS}
    assert spelt >= MULTIVALUED_GLOBAL_KEYS | SINGLE_VALUED_GLOBAL_KEYS
    assert len(spelt) == len(GLOBAL_CONDITION_KEYS)  # no key twice
