"""Networks: the layer-stack language, the stack runner and the built-in networks.

``spec`` parses ``"conv k3 s2 p1 c64, pool k2"``; ``layers`` evaluates one layer (sizes,
pads, parameters, MACs); ``field`` composes receptive fields (closed forms, linear in the
layers); ``stack`` runs a whole stack at an input size; ``zoo`` holds ResNet-18, VGG-16 and
a U-Net. Pure Python: imports the shape engine and the standard library only.
"""
