"""Model configs shipped with AnyLabel (one YAML per model); see docs/models.md."""
