"""Typed configuration of the estate: one TOML file per AWS account under `config/accounts/`."""

from config.errors import ConfigError, ConfigIssue
from config.loader import DEFAULT_CONFIG_DIR, LoadedAccount, load_account, load_estate
from config.models import MANDATORY_TAGS, AccountConfig

__all__ = [
    "DEFAULT_CONFIG_DIR",
    "MANDATORY_TAGS",
    "AccountConfig",
    "ConfigError",
    "ConfigIssue",
    "LoadedAccount",
    "load_account",
    "load_estate",
]
