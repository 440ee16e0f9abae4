"""``convcalc explore``: the padded grid of a layer, live, in a full-screen terminal app.

``model`` and ``edit`` are the explorer's state and how each parameter changes (pure: the
shape engine decides every number); ``panels`` turns a state into Rich renderables (the
diagram of ``convcalc diagram``, the ``compare`` table, the ``port`` recipe); ``app`` is
the Textual app (Textual is imported only there, when the explorer starts).
"""
