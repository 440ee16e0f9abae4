"""Port a layer between TensorFlow, Keras, PyTorch and ONNX exactly (pure, standard library).

A *source* spelling (``--from``) is read with that framework's rules into a
:class:`~convcalc.frameworks.layer.Layer` (:func:`~convcalc.frameworks.source.source_layer`);
:func:`port_layer` then writes the layer in the target framework as a
:class:`~convcalc.frameworks.recipe.Recipe`: the native attributes when they are exact,
otherwise an explicit pad (zeros, or −inf for max pooling), a crop after a transposed
convolution, or the sum/count construction that reproduces an average pool's divisor
(:mod:`~convcalc.frameworks.port_window`, :mod:`~convcalc.frameworks.port_deconv`).
:func:`~convcalc.frameworks.render.render` turns a recipe into code.

>>> from convcalc.frameworks.source import source_layer
>>> layer = source_layer("tf", "conv", (224,), 7, stride=2, padding="same")
>>> recipe = port_layer(layer, "torch")
>>> recipe.pre_pad, recipe.padding
(((2, 3),), ((0, 0),))
"""

from __future__ import annotations

from convcalc.frameworks.layer import Layer
from convcalc.frameworks.port_deconv import deconv_recipe
from convcalc.frameworks.port_window import window_recipe
from convcalc.frameworks.recipe import Recipe, check_portable

__all__ = ["port_layer"]


def port_layer(layer: Layer, framework: str) -> Recipe:
    """The exact spelling of *layer* in *framework* (``exact=False`` with the reason in
    ``notes`` when there is none)."""
    check_portable(framework)
    if layer.op == "deconv":
        return deconv_recipe(layer, framework)
    return window_recipe(layer, framework)
