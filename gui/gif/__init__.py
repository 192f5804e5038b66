"""Animated-GIF export of a training run.

- ``encoder``: frames (uint8 RGB arrays) -> GIF file with Pillow; size estimate. No Qt.
- ``recorder``: ``FrameRecorder`` grabs the window's views while training runs;
  ``install_recorder(window)`` adds Record / Export GIF… to the toolbar.
- ``dialog``: the Export GIF… dialog.
- ``cli``: ``python main.py gif ...`` renders a run headless (Qt offscreen).
"""
