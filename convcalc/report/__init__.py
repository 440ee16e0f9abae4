"""Presentation: what the commands print, built from the rooms below.

``shape_text`` and ``shape_json`` render shape queries as plain styled text and JSON-ready
dicts (standard library only, so a shape query loads no Rich); ``network_table`` and
``network_json`` do the same for ``chain``, ``compare``, ``port`` and ``solve`` (Rich tables).
"""
