"""The only package that imports Qt (through qtpy)."""
