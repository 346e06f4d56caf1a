"""Where the app keeps its files: the config, the database, the caches and the default export folder.

Each folder comes from platformdirs unless its environment variable names another one; tests and CI set
the variables so they never touch the real home folder. Nothing here creates a folder: the code that
writes a file creates its folder when it first writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "partner-dash"
CONFIG_DIR_ENV = "PARTNER_DASH_CONFIG_DIR"
DATA_DIR_ENV = "PARTNER_DASH_DATA_DIR"
EXPORT_DIR_ENV = "PARTNER_DASH_EXPORT_DIR"
CACHE_DIR_ENV = "PARTNER_DASH_CACHE_DIR"

CONFIG_FILE_NAME = "config.toml"
DATABASE_FILE_NAME = "partner-dash.sqlite3"
EXPORT_FOLDER_NAME = "Partner Dashboard exports"


def _from_env(variable: str) -> Path | None:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    return _from_env(CONFIG_DIR_ENV) or platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    return _from_env(DATA_DIR_ENV) or platformdirs.user_data_path(APP_NAME, appauthor=False)


def cache_root() -> Path:
    """The app's cache folder: the dataset caches (engine.storage.dataset_cache), the kept first screens
    (tui.first_screen)."""
    return _from_env(CACHE_DIR_ENV) or platformdirs.user_cache_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def database_file() -> Path:
    return data_dir() / DATABASE_FILE_NAME


def default_export_dir() -> Path:
    """Where exports go unless the config names a folder: a folder of its own in the user's documents."""
    return _from_env(EXPORT_DIR_ENV) or platformdirs.user_documents_path() / EXPORT_FOLDER_NAME
