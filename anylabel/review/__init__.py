"""Review and quality assurance across folders: comparing two annotators' labels
(``compare``), splitting a folder into jobs for a team and merging them back (``jobs``).
Qt-free; the per-image matching and metrics are in ``anylabel.core.agreement``."""
