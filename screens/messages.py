"""Messages the app posts to its screens."""

from textual.message import Message


class OfficeReady(Message):
    """The database is open and someone is signed in: screens may load their data."""


class SettingsClosed(Message):
    """The settings screen closed: the app rebuilds the dashboard in the language chosen."""
