"""The 通报 (meeting brief): its content from the shared results (content.py), as DOCX, PDF and JSON."""
