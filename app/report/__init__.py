"""The review deck: flagged notices as the briefing liaison staff present (pptx, docx, md)."""

FORMATS = ("pptx", "docx", "md")  # light to import: the CLI's parser reads it at start-up
