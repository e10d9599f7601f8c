"""Synthesis reports: the province synthesis (.xlsx, .docx), an agency's
report (.docx), and the background jobs that write the large ones."""
