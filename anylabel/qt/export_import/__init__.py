"""Dataset export/import in the GUI: dialogs, a background worker and the summary."""
