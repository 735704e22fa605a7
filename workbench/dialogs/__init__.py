"""Dialogs: readable error boxes, layer properties and the style editor."""
