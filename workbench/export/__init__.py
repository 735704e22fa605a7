"""Briefing exports: print layout (``layout``, ``layout_export``), web map (``webmap``), report (``report``),
the ``export`` sub-command (``cli``) and the window integration (``install``). Importing this package loads no Qt;
the web map and the command line's parsing work without it."""
