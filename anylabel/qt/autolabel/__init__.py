"""The auto-labeling panel (Ctrl+A) and its background workers."""
