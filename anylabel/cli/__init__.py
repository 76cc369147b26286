"""The ``anylabel`` command line (no Qt import here; the GUI is loaded only when started)."""
