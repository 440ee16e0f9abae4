"""Diagrams: the padded grid of a layer as a model, its values, and its pictures.

``layout`` is the grid model (cell kinds, windows, divisors; pure Python over the shape
engine); ``values`` fills it with numbers from the executor; ``cells``, ``grid``, ``strip``
and ``figure`` are the Rich renderables that draw it.
"""
