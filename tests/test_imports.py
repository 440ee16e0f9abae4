"""Shape queries stay light: the pure modules and the CLI load no NumPy (and no Rich)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
import {module}
heavy = ("numpy", "rich", "click", "textual", "PIL")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("convcalc", []),
        ("convcalc.shape", []),
        ("convcalc.shape.explain", []),
        ("convcalc.report.shape_json", []),
        ("convcalc.errors", []),
        ("convcalc.report.shape_text", ["click"]),
        ("convcalc.cli", ["click"]),
    ],
)
def test_module_imports_stay_light(module: str, allowed: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == allowed


def test_shape_json_query_loads_no_numpy_or_rich() -> None:
    code = (
        "import sys\n"
        "from convcalc.cli import cli\n"
        "try:\n"
        "    cli.main(['shape', 'conv', '-i', '224', '-k', '7', '-s', '2', '-p', 'same',"
        " '--json'], standalone_mode=False)\n"
        "finally:\n"
        "    print([m for m in ('numpy', 'rich', 'textual') if m in sys.modules],"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"pads": [[2, 3]]' in done.stdout
    assert done.stderr.strip() == "[]"


@pytest.mark.parametrize("command", ["conv", "pool", "deconv", "invert"])
def test_human_shape_query_loads_no_numpy_or_rich(command: str) -> None:
    size = "'-o', '7'" if command == "invert" else "'-i', '13'"
    code = (
        "import sys\n"
        "from convcalc.cli import cli\n"
        f"cli.main(['shape', '{command}', {size}, '-k', '3'], standalone_mode=False)\n"
        "print([m for m in ('numpy', 'rich', 'textual') if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["diagram", "conv", "-i", "13", "-k", "6", "-s", "5", "-p", "same"],
        ["compare", "conv", "-i", "6", "-k", "3", "-s", "2", "-p", "same"],
        ["port", "--from", "tf", "--to", "torch", "conv", "-i", "224", "-k", "7", "-p", "same"],
        ["explore", "conv", "-i", "13", "-k", "6"],  # refused: stdout is not a terminal
        ["explore", "--help"],
    ],
)
def test_only_the_explorer_loads_textual(argv: list[str]) -> None:
    """Textual is loaded when the explorer starts, by no other command (nor by ``explore``
    when it refuses to start or prints its help)."""
    code = (
        "import sys\n"
        "from convcalc.cli import cli\n"
        "try:\n"
        f"    cli.main({argv!r}, standalone_mode=False)\n"
        "except Exception:\n"
        "    pass\n"
        "print('textual' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"
    assert argv[0] == "explore" or done.stdout


def test_conv_query_loads_only_the_window_engine() -> None:
    """The shape engine loads by name (PEP 562) and subcommands load on use: a conv query
    needs ``window`` (and what it imports), not the transposed-conv, inversion, explanation
    or resize modules — start-up time."""
    code = (
        "import sys\n"
        "from convcalc.cli import cli\n"
        "try:\n"
        "    cli.main(['shape', 'conv', '-i', '224', '-k', '7', '-p', 'same', '--json'],"
        " standalone_mode=False)\n"
        "finally:\n"
        "    print(sorted(m for m in sys.modules if m.startswith('convcalc.')),"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == str(
        [
            "convcalc._lazy",
            "convcalc.cli",
            "convcalc.cli.params",
            "convcalc.cli.shape_cmd",
            "convcalc.errors",
            "convcalc.report",
            "convcalc.report.shape_json",
            "convcalc.shape",
            "convcalc.shape.axes",
            "convcalc.shape.padding",
            "convcalc.shape.window",
        ]
    )


def test_lazy_names_resolve_and_unknown_names_fail() -> None:
    import convcalc
    import convcalc.shape

    assert convcalc.invert_axis is convcalc.shape.invert_axis
    assert set(convcalc.__all__) <= set(dir(convcalc))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        convcalc.shape.nope  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        convcalc.nope  # noqa: B018
