"""``python -m iam account ...`` (issue 16): the practice account's command line."""

import io
import json
from pathlib import Path

from iam.cli import main

DETAILS = str(Path(__file__).parent / "data" / "cloudsplaining-example.json")
ID = "200611803367"
PRIVESC4 = f"arn:aws:iam::{ID}:user/privesc4-CreateAccessKey-user"


def _run(*argv, stdin="") -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def test_simulate_answers_each_line_and_names_the_attachment():
    lines = "\n".join(
        [
            json.dumps(
                {
                    "principal": PRIVESC4,
                    "action": "iam:CreateAccessKey",
                    "resource": f"arn:aws:iam::{ID}:user/privesc-sre-user",
                }
            ),
            "not json",
            json.dumps({"principal": f"arn:aws:iam::{ID}:user/nobody"}),
        ]
    )
    code, out = _run("account", "simulate", "--details", DETAILS, stdin=lines)
    assert code == 0
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["decision"] == "Allow"
    assert first["allowed_by"][0]["where"] == (
        "attached to user privesc4-CreateAccessKey-user"
    )
    assert second["error"].startswith("not JSON")
    assert third["error"] == "the request needs action, resource"


def test_findings_are_a_json_list_with_escalation_chains():
    code, out = _run("account", "findings", "--details", DETAILS)
    found = json.loads(out)
    assert code == 0
    escalations = [f for f in found if f["code"].startswith("privilege-escalation")]
    assert escalations and all(f["steps"] for f in escalations)
    assert set(found[0]) == {"code", "severity", "principal", "message", "steps"}
    # The file says nothing of credentials, so nothing is said of them.
    assert not any(f["code"] in ("root-without-mfa", "root-access-keys") for f in found)


def test_who_can_lists_principals_with_what_allowed_them():
    code, out = _run(
        "account",
        "who-can",
        "--details",
        DETAILS,
        "--action",
        "iam:CreateAccessKey",
        "--resource",
        f"arn:aws:iam::{ID}:user/privesc-sre-user",
    )
    allowed = {entry["principal"]: entry for entry in json.loads(out)}
    assert code == 0
    assert PRIVESC4 in allowed
    assert f"arn:aws:iam::{ID}:user/fp1-allow-and-deny-user" not in allowed


def test_a_bad_file_is_named_with_the_place_of_the_error(tmp_path, capsys):
    broken = tmp_path / "details.json"
    broken.write_text('{"UserDetailList": [{"UserName": "bob"}]}')
    code, _ = _run("account", "findings", "--details", str(broken))
    assert code == 2
    assert "UserDetailList[0].Arn" in capsys.readouterr().err
