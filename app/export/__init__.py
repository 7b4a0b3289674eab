"""Exports of notices: the bilingual digest, its formats (email, .eml, HTML, Markdown, CSV, XLSX,
ICS), SMTP delivery and the scheduled digest. Entry points for callers: app.export.service and
app.export.schedule.
"""
