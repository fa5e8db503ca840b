"""Deterministic demo data: a populated office to look at and to measure against."""

from office_tui.demo.generate import DEMO_ADMIN, DEMO_PASSWORD, SCALES, DemoError, load_demo

__all__ = ["DEMO_ADMIN", "DEMO_PASSWORD", "SCALES", "DemoError", "load_demo"]
