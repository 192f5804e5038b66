"""The desktop application: windows, panels, plots, the training worker and GIF
export (PySide6 + pyqtgraph). Talks to ``algorithms`` and ``datasets`` only
through their public API."""
