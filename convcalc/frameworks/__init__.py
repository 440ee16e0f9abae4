"""Frameworks: the layer model (``layer``), each framework's spellings (``spell_*``) and their
verdicts (``compare``), port recipes (``source``, ``port*``, ``render``), ``solve``, and the
``--check`` runner (``check``, the only module that loads NumPy and the frameworks, lazily).
Imports the shape engine and ``errors`` only.
"""
