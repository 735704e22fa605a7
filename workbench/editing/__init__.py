"""Editing with undo: edit mode per vector layer, map tools, the Edit menu and one undo stack for the project."""
