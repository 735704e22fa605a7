"""Analysis plugins: the plugin API (``plugins.api``), discovery (``plugins.registry``), the runner shared by the
dialog, the command line and the tests (``plugins.runner``), and the built-in plugin packages. Imports no Qt."""
