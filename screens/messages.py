"""Messages the app posts to its screens."""

from textual.message import Message


class OfficeReady(Message):
    """The database is open and someone is signed in: screens may load their data."""
