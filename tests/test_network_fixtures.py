"""Replay tests/fixtures/network/framework_checks.json (made by
tools/gen_network_fixtures.py with real PyTorch 2.13 and TensorFlow 2.21): convcalc's
predictions and recipes must still be the ones the frameworks confirmed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from convcalc.frameworks.compare import SPELLERS, evaluate
from convcalc.frameworks.layer import make_layer
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.source import source_layer
from convcalc.network.stack import parse_input, parse_spec, run_chain, unit_spans
from convcalc.network.zoo import BUILTINS

DATA = json.loads(
    (Path(__file__).parent / "fixtures" / "network" / "framework_checks.json").read_text()
)


def _layer(case: dict[str, Any]) -> Any:
    kwargs = {k: v for k, v in case.items() if k not in ("op", "input", "kernel")}
    if isinstance(kwargs.get("padding"), list):
        kwargs["padding"] = [tuple(p) for p in kwargs["padding"]]
    return make_layer(case["op"], (case["input"],), case["kernel"], **kwargs)


def test_every_recorded_spelling_agreed() -> None:
    assert DATA["spellings"] and all(r["agree"] for r in DATA["spellings"])


@pytest.mark.parametrize(
    "record", DATA["spellings"], ids=lambda r: f"{r['framework']}-{r['spelling']}"
)
def test_spelling_predictions_unchanged(record: dict[str, Any]) -> None:
    layer = _layer(record["layer"])
    spellings = {s.text: s for s in SPELLERS[record["framework"]](layer)}
    row = evaluate(layer, spellings[record["spelling"]])
    measured = record["measured"]
    if "error" in measured:
        assert row.output is None
        return
    assert row.output == (measured["output"],)
    if measured.get("pad_low") is not None:
        assert row.pads is not None and row.pads[0][0] == measured["pad_low"]


@pytest.mark.parametrize(
    "record",
    DATA["ports"],
    ids=lambda r: f"{r['case']['from']}-{r['case']['to']}-{r['case']['op']}",
)
def test_port_recipes_unchanged_and_verified(record: dict[str, Any]) -> None:
    case = record["case"]
    kwargs = {k: v for k, v in case.items() if k not in ("from", "to", "op", "input", "kernel")}
    if isinstance(kwargs.get("padding"), list):
        kwargs["padding"] = [tuple(p) for p in kwargs["padding"]]
    layer = source_layer(case["from"], case["op"], case["input"], case["kernel"], **kwargs)
    assert port_layer(layer, case["to"]).as_dict() == record["recipe"]
    assert record["check"]["ran"] and record["check"]["max_abs_diff"] < 1e-4


@pytest.mark.parametrize("name", ["resnet18", "vgg16", "unet"])
def test_builtin_networks_match_plain_torch(name: str) -> None:
    torch_side = DATA["networks"][name]
    b = BUILTINS[name]
    spatial, channels, batch = parse_input(b.input)
    result = run_chain(parse_spec(b.spec), spatial, channels, batch)
    assert result.params == torch_side["params"]
    if name == "unet":
        assert [result.rows[-1].channels, *result.output] == torch_side["output"]
    else:
        body = [r for r in result.rows if r.op in ("add", "pool")][-1]
        assert [body.channels, *body.output] == torch_side["body_output"]


@pytest.mark.parametrize("record", DATA["receptive_fields"], ids=lambda r: r["name"])
def test_receptive_fields_match_gradient_support(record: dict[str, Any]) -> None:
    """Input cells with a nonzero gradient (all-ones weights, average pools) in PyTorch ==
    convcalc's receptive-field interval, clipped to the input."""
    size = record["size"]
    spans = unit_spans(parse_spec(record["spec"]), (size,), record["units"])
    clipped = [None if s is None else [max(s[0], 0), min(s[1], size - 1)] for s in spans]
    assert clipped == record["support"]


def test_random_port_sweep_verified() -> None:
    """120 random layers ported between TF, Keras and PyTorch: every exact recipe ran with
    a difference below 1e-4; the rest are the ones convcalc itself calls not exact."""
    sweep = DATA["port_sweep"]
    assert len(sweep) >= 200
    for record in sweep:
        case = dict(record["case"])
        target = case.pop("to")
        layer = source_layer(
            case.pop("from"), case.pop("op"), case.pop("input"), case.pop("kernel"), **case
        )
        recipe = port_layer(layer, target)
        assert recipe.as_dict() == record["recipe"]
        if recipe.exact:
            assert record["check"]["max_abs_diff"] < 1e-4, record
