"""The review deck: flagged notices as the briefing liaison staff present (pptx, docx, md)."""
