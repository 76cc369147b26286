"""AnyLabel: desktop, AI-assisted image and video annotation."""

__version__ = "0.1.0"
