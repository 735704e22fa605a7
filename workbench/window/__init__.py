"""The main window's logic in small pieces: project events as Qt signals, project files, layer loading."""
