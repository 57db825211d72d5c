"""The CI runtime check's import scan names a package the app imports but requirements.txt lacks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _runtime_check():
    spec = importlib.util.spec_from_file_location("runtime_check", ROOT / ".ci" / "runtime_check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_txt_names_every_third_party_import_of_the_app_code(capsys):
    _runtime_check().check_requirements()
    assert "requirements.txt names every third-party import" in capsys.readouterr().out


def test_it_names_each_import_whose_package_is_missing(tmp_path):
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    kept = [line for line in lines if not line.startswith(("httpx==", "lxml==", "asgiref=="))]
    assert len(lines) - len(kept) == 3
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(kept))

    with pytest.raises(SystemExit) as raised:
        _runtime_check().check_requirements(requirements)
    problems = str(raised.value).splitlines()[1:]
    assert [p.split(" (")[0].strip() for p in problems] == ["asgiref", "httpx", "lxml"]
    assert "httpx (imported by apps/core/safe_fetch.py) comes from ['httpx']" in str(raised.value)


def test_it_lists_every_app_module_to_import():
    names = _runtime_check().module_names()
    assert {"celery_app", "mojodex.settings", "apps.core.management.commands.dev"} <= set(names)
    assert "workflow_steps.web_research_synthesis.web" in names
    assert not [name for name in names if name.startswith("tests") or name == "manage"]
