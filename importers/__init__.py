"""Importers: outside files (xlsx, csv, PDFs, logs) read into the models, checked row by row."""
