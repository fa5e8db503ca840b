"""Deterministic demo data: a populated office to look at and to measure against."""

from office_tui.demo.generate import SCALES, DemoError, load_demo

__all__ = ["SCALES", "DemoError", "load_demo"]
