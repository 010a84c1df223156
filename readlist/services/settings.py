"""`readlist config`: where the config file is and which settings are in effect, from where."""

from __future__ import annotations

from pathlib import Path

from readlist import config
from readlist.choices import PROFILE_USES
from readlist.models import ConfigShown, Setting
from readlist.services.session import store_choice


def show(db: Path | None) -> ConfigShown:
    settings = config.load()
    store, store_source = store_choice(db)
    editor, editor_source = config.editor_choice()
    profile = settings.profile
    columns = settings.list_columns
    return ConfigShown(
        file=settings.file,
        exists=settings.exists,
        settings=[
            Setting("db", str(store), store_source),
            Setting("editor", editor or "vi", editor_source),
            Setting("profile", profile or next(iter(PROFILE_USES)), "config" if profile else "default"),
            Setting("list.columns", list(columns) if columns else None, "config" if columns else "default"),
        ],
    )
