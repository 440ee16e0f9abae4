"""Rich renderables for ``convcalc diagram``: they draw :mod:`convcalc.layout` models.

Imports only ``rich.console`` and ``rich.text``; no geometry is computed here.
"""

from __future__ import annotations

from convcalc.render.diagram import DeconvDiagram, WindowDiagram

__all__ = ["DeconvDiagram", "WindowDiagram"]
