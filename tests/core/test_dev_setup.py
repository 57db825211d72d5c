"""What a bare checkout gets: `manage.py dev`'s key and provider choice, `make test`'s Chromium check."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from apps.core import devenv

ROOT = Path(__file__).resolve().parents[2]


def test_dev_generates_a_key_once_and_chooses_the_fakes(tmp_path):
    environ: dict[str, str] = {"MOJODEX_VAR_DIR": str(tmp_path / "var")}
    devenv.prepare(environ, ROOT)
    key_file = tmp_path / "var" / "secret_key"
    assert environ == {
        "MOJODEX_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY_FILE": str(key_file),
        "MOJODEX_FAKE_PROVIDERS": "true",
    }
    key = key_file.read_text()
    assert len(key.strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600

    again: dict[str, str] = {"MOJODEX_VAR_DIR": str(tmp_path / "var")}
    devenv.prepare(again, ROOT)
    assert again["SECRET_KEY_FILE"] == str(key_file)
    assert key_file.read_text() == key  # reused on restart


def test_dev_keeps_what_the_environment_says(tmp_path):
    environ = {"MOJODEX_VAR_DIR": str(tmp_path), "SECRET_KEY": "configured", "MOJODEX_FAKE_PROVIDERS": "false"}
    devenv.prepare(environ, ROOT)
    assert environ == {"MOJODEX_VAR_DIR": str(tmp_path), "SECRET_KEY": "configured", "MOJODEX_FAKE_PROVIDERS": "false"}
    assert not (tmp_path / "secret_key").exists()


def test_other_commands_get_the_same_only_beside_a_running_dev_on_embedded_servers(tmp_path):
    environ = {"MOJODEX_VAR_DIR": str(tmp_path)}
    assert devenv.applies(["manage.py", "dev"], environ, ROOT)
    assert not devenv.applies(["manage.py", "createsuperuser"], environ, ROOT)
    (tmp_path / "embedded.json").write_text("{}")  # dev is running on its embedded servers
    assert devenv.applies(["manage.py", "createsuperuser"], environ, ROOT)
    # a configured database means a real deployment: never the dev defaults there
    assert not devenv.applies(["manage.py", "migrate"], {**environ, "DATABASE_URL": "postgresql://db/x"}, ROOT)


def test_make_test_stops_at_once_with_the_install_command_when_it_cannot_install_chromium(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id") or "/usr/bin/id")  # no apt-get on this PATH
    make = shutil.which("make") or "/usr/bin/make"
    result = subprocess.run(
        [make, "-s", "browser", "CHROMIUM=/nonexistent/chromium"],
        cwd=ROOT,
        env={"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/root")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout.splitlines() == [
        "The browser tests need Chromium at /nonexistent/chromium and an emoji font. Run:",
        "    sudo apt-get install -y chromium fonts-noto-color-emoji",
        "(elsewhere: install Chromium and set MOJODEX_TEST_CHROMIUM=/path/to/chromium)",
    ]


def test_make_test_provisions_chromium_before_running_pytest():
    result = subprocess.run(["make", "-s", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    commands = result.stdout
    assert commands.index("NotoColorEmoji.ttf") < commands.index("-m pytest")  # provisioned first
