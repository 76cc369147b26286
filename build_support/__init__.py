"""Build-time facts shared by setup.py and the PyInstaller spec (not part of the package)."""
