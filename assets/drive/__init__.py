"""Google Drive: the transcript Docs Meet wrote, for meetings Meet no longer keeps: which
Doc is a meeting's (``doc_matching``), exporting it (``doc_export``), reading its text
(``doc_text_parser``) and the transcript it gives (``doc_assembly``).
"""
