"""Processing in the GUI: toolbox dock, generated algorithm dialogs running in a worker thread, run history.

All analysis lives in ``plugins``; these widgets only collect parameters, show progress and add the outputs
to the project. ``install_processing(window)`` puts them into the main window.
"""
