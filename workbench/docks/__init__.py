"""Dock widgets of the main window: layer tree, attribute table, search panel, identify results."""
