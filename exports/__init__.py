"""Exports: files the office sends out (Excel lists for the gazette, reports)."""
