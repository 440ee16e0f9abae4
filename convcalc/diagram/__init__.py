"""Diagrams: the padded grid of a layer as a model, its values, and its pictures.

``layout`` is the grid model (cell kinds, runs, strips, grids; pure Python over the shape
engine, loading neither NumPy nor Rich) and ``words`` the text of titles and summaries;
``values`` fills the model with numbers from the executor (NumPy, only for ``--values``);
``cells``, ``grid``, ``strip`` and ``figure`` are the Rich pieces that ``window`` (convolution,
pooling) and ``deconv`` (transposed convolution) assemble into diagrams.
"""
