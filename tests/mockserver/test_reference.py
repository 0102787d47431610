"""Reference data is read once per fixtures folder as its files stand, and read again when they change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mockserver.reference import FixturesError, load_reference
from npq_lead_provider_kit.resources import fixtures_dir


def test_an_unchanged_folder_is_read_once_and_a_changed_file_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), folder)
    first = load_reference(folder)
    assert load_reference(folder) is first  # shared, not read again
    providers_file = folder / "lead_providers.yaml"
    providers = yaml.safe_load(providers_file.read_text())
    providers["lead_providers"] = providers["lead_providers"][:2]
    providers_file.write_text(yaml.safe_dump(providers))
    changed = load_reference(folder)
    assert len(changed.lead_providers) == 2 and len(first.lead_providers) > 2


def test_a_folder_without_its_files_is_still_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FixturesError, match="cannot read"):
        load_reference(tmp_path)
