"""The offline installation's systemd units (deploy/systemd, installed by deploy/install.sh):
web, worker and beat each restart on their own, with backoff, and none stops another (issue 22).
That the bundle installs with no package index and runs is CI's (.ci/run: `make bundle`, its
install.sh with --no-index, then the smoke test of that installation)."""

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = ("xuncha-web.service", "xuncha-worker.service", "xuncha-beat.service")
PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


@pytest.mark.parametrize("name", UNITS)
def test_each_process_restarts_on_its_own_with_backoff_and_never_gives_up(name):
    service = unit(name)["Service"]
    assert service["Restart"] == "always"
    assert int(service["RestartSec"]) >= 1 and int(service["RestartMaxDelaySec"]) > int(service["RestartSec"])
    assert unit(name)["Unit"]["StartLimitIntervalSec"] == "0"
    assert service["User"] == "@SERVICE_USER@" and service["EnvironmentFile"] == "@ENV_FILE@"


@pytest.mark.parametrize("name", UNITS)
def test_no_process_depends_on_another(name):
    """Requires=/BindsTo= between them would stop the others when one dies: only the target
    groups them (PartOf: stopping the target stops them)."""
    section = unit(name)["Unit"]
    for key in ("Requires", "BindsTo", "Requisite"):
        assert not any(u in section.get(key, "") for u in UNITS), (name, key)
    assert section["PartOf"] == "xuncha.target"


def test_the_units_run_what_the_procfile_runs():
    procfile = dict(line.split(": ", 1) for line in PROCFILE.read_text().splitlines() if re.match(r"^\w+: ", line))
    for process, name in zip(("web", "worker", "beat"), UNITS, strict=True):
        program = unit(name)["Service"]["ExecStart"].split()[0].rsplit("/", 1)[-1]
        assert procfile[process].split()[0].endswith(f"/{program}"), (process, program)
    assert set(unit("xuncha.target")["Unit"]["Wants"].split()) == set(UNITS)


def test_the_install_script_installs_with_no_index_and_the_bundle_ships_what_it_needs():
    script = (DEPLOY / "install.sh").read_text()
    assert "--no-index --find-links" in script and "PIP_CONFIG_FILE=/dev/null" in script
    bundle = (DEPLOY / "bundle.sh").read_text()
    for part in ("pip wheel", "collectstatic", "systemd", "install.sh", "xuncha.env.example", "tar -czf"):
        assert part in bundle, part


def test_systemd_accepts_the_units_as_install_sh_writes_them(tmp_path):
    """`systemd-analyze verify` on the units with install.sh's substitutions, against a stand-in
    installation (the programs must exist). systemd before 254 knows no RestartSteps= and
    RestartMaxDelaySec= (the growing backoff) and says so; nothing else may be reported."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (systemd)")
    for program in ("gunicorn", "celery"):
        path = tmp_path / "app" / ".venv" / "bin" / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (tmp_path / "xuncha.env").write_text("DATABASE_URL=\n")
    units = tmp_path / "units"
    units.mkdir()
    for source in (DEPLOY / "systemd").iterdir():
        text = source.read_text().replace("@PREFIX@", str(tmp_path)).replace("@ENV_FILE@", str(tmp_path / "xuncha.env"))
        (units / source.name).write_text(text.replace("@SERVICE_USER@", "root"))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(str(p) for p in units.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not re.search(r"Unknown key '(RestartSteps|RestartMaxDelaySec)'", line)
    ]
    assert complaints == [] and result.returncode == 0, result.stdout + result.stderr
