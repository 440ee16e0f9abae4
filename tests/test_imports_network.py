"""The CLI and the pure network modules load neither NumPy nor Rich at import time."""

from __future__ import annotations

import subprocess
import sys


def test_cli_import_is_light() -> None:
    code = (
        "import sys, convcalc.cli, convcalc.network.stack, convcalc.frameworks.compare, "
        "convcalc.frameworks.port, convcalc.frameworks.solve, convcalc.network.zoo, "
        "convcalc.report.network_json; "
        "print(sorted(m for m in ('numpy', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_paths_do_not_load_rich() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from convcalc.cli import cli; "
        "r = CliRunner().invoke(cli, ['chain', '-i', '224x224x3', 'resnet18', '--json']); "
        "assert r.exit_code == 0; "
        "print(sorted(m for m in ('numpy', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
