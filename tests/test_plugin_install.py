"""LK3 Flow installs as one package into a Django site that is not its own."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = Path(__file__).resolve().parent / "host_site"


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_wheel_installs_into_a_host_site(tmp_path):
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)])
    wheel = next(wheels.glob("lk3_flow-*.whl"))
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ]
    )

    env = {
        **os.environ,
        # The host's own folder and the installed wheel; the repository is not importable.
        "PYTHONPATH": os.pathsep.join([str(HOST), str(target)]),
        "DJANGO_SETTINGS_MODULE": "host_settings",
        "HOST_DB_PATH": str(tmp_path / "host.sqlite3"),
    }
    cwd = tmp_path
    run([sys.executable, "-m", "django", "check"], env=env, cwd=cwd)
    run([sys.executable, "-m", "django", "migrate", "--noinput"], env=env, cwd=cwd)
    result = run([sys.executable, str(HOST / "host_check.py")], env=env, cwd=cwd)
    assert f"lk3_flow imported from {target}" in result.stdout
    assert "intake page: True" in result.stdout
    assert "HOST OK" in result.stdout
