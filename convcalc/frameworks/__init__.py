"""Frameworks: each framework's spellings of a layer, compared, ported and checked.

``compare`` plans every TensorFlow, Keras, PyTorch, ONNX, JAX, SciPy and Caffe spelling with
the shape engine and judges it; ``port`` writes the exact construction in another framework;
``solve`` searches the parameters that reach a size; ``check`` runs source and target on
random data, importing TensorFlow or PyTorch lazily. Imports the shape engine only.
"""
