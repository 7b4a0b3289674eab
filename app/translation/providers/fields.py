"""Which settings each translation provider reads, derived from the providers' own
declarations (``needs_key``, ``app_id_label``, ``uses_model``, ``uses_region``), so the Settings
dialog shows only the fields the chosen provider uses and cannot drift from what it reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.translation.providers.catalog import provider_class

OFFLINE = "offline"  # the built-in engine: nothing to set


@dataclass(frozen=True)
class ProviderFields:
    base_url: bool
    model: bool
    region: bool
    app_id_label: str | None  # the vendor's name for the app id; None: not used
    key: Literal["required", "optional", "none"]
    default_base: str = ""  # the address used when base_url is empty

    @property
    def app_id(self) -> bool:
        return self.app_id_label is not None


def provider_fields(name: str) -> ProviderFields:
    """The fields provider ``name`` reads (UnknownProvider for an unknown name)."""
    if name == OFFLINE:
        return ProviderFields(
            base_url=False, model=False, region=False, app_id_label=None, key="none"
        )
    cls = provider_class(name)
    return ProviderFields(
        base_url=True,
        model=cls.uses_model,
        region=cls.uses_region,
        app_id_label=cls.app_id_label,
        key="required" if cls.needs_key else "optional",
        default_base=cls.default_base,
    )
