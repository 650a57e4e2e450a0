import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_without_django():
    code = (
        "import sys, iam as iam\n"
        "iam.evaluate(iam.Request("
        "'arn:aws:iam::111122223333:user/a', 's3:GetObject', '*'))\n"
        'iam.lint(\'{"Statement": {"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "*"}}\')\n'
        "print('django' in sys.modules, "
        "any(m.startswith('django') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False False"
