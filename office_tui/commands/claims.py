"""import claims/past-recipients, reconcile, export claims/payments/withholding: store subsidies from the shell."""

from __future__ import annotations


def register(sub, common) -> None:
    pass


def register_imports(imports, common) -> None:
    pass


def register_exports(exports, common) -> None:
    pass
