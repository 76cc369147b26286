"""Model types, one module per family; each registers itself with ``registry.register``.

Modules here are imported by registry discovery on the first model lookup, so they must
only import numpy/OpenCV and AnyLabel modules at module level.
"""
