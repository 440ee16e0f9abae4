"""Model-file readers: Keras configs (standard library only) and ONNX (the optional
``onnx`` package, imported lazily). Each turns a file into rows of a
:class:`~convcalc.network.graph.GraphRun`."""
