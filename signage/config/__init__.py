"""YAML configuration: strict loading, validation with positions, the last good state."""

from signage.config.folder import ConfigState, load_folder
from signage.config.validate import Config, Issue, validate_files

__all__ = ["Config", "ConfigState", "Issue", "load_folder", "validate_files"]
