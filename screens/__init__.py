"""Textual screens and widgets of office-tui. Only this package and office_tui.app
import Textual; everything they show comes from plain functions in office_tui/."""
