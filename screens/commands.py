"""The command palette: jump to an application by number, UBN or company name, or
open a workflow."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from office_tui.core.i18n import t


class OfficeCommands(Provider):
    def _ready(self) -> bool:
        return getattr(self.app, "ready", False)

    def _workflows(self):
        from screens.dashboard import WORKFLOWS

        for _, name, label in WORKFLOWS:
            yield name, t("palette.open", name=t(label))

    async def discover(self) -> Hits:
        if not self._ready():
            return
        for name, text in self._workflows():
            yield DiscoveryHit(text, partial(self._open_workflow, name))

    async def search(self, query: str) -> Hits:
        if not self._ready():
            return
        matcher = self.matcher(query)
        for name, text in self._workflows():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._open_workflow, name))
        if self.app.actor is not None and self.app.actor.role == "reviewer":
            return  # members look up nothing beyond their own sheets
        from office_tui.views.lookup import find_applications

        hits = await asyncio.to_thread(find_applications, self.app.office.engine, query)
        for hit in hits:
            text = f"{hit.application_no}  {hit.company_name}（{hit.ubn}）  {hit.solution_name}"
            yield Hit(0.9, text, partial(self._open_application, hit.id), text=text,
                      help=t("palette.application_help", status=t(f"status.{hit.status}")))

    def _open_workflow(self, name: str) -> None:
        from screens.navigation import open_workflow

        open_workflow(self.app, name)

    def _open_application(self, application_id: int) -> None:
        from screens.detail import ApplicationDetailScreen

        self.app.push_screen(ApplicationDetailScreen(application_id))
