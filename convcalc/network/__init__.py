"""Networks: the layer-stack language, the stack runner and the built-in networks.

``spec`` parses ``"conv k3 s2 p1 c64, pool k2"``; ``stack`` runs a stack at an input size
(shapes, pads, receptive field, jump, parameters, MACs); ``zoo`` holds ResNet-18, VGG-16 and
a U-Net. Pure Python: imports the shape engine and the standard library only.
"""
