"""The command line, run as a reader runs it: ``python -m mynn ...`` in a subprocess."""

import subprocess
import sys

import pytest


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "mynn", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_train_prints_test_accuracy():
    result = run_cli("train", "--hidden", "50", "--epochs", "1", "--no-progress")
    assert result.returncode == 0, result.stderr
    accuracy = float(result.stdout.strip().splitlines()[-1].split(":")[1])
    assert 0.85 < accuracy <= 1.0
    assert "4000 training images, 1000 test images" in result.stdout


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "train" in result.stdout and "download" in result.stdout
    train_help = run_cli("train", "--help").stdout
    for option in ("--hidden", "--lr", "--epochs", "--data", "--seed"):
        assert option in train_help


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("train", "--hidden", "0"), "hidden_nodes must be a positive whole number"),
        (("train", "--lr", "-0.1"), "learning_rate must be a positive"),
        (("train", "--epochs", "0"), "epochs must be at least 1"),
    ],
)
def test_errors_are_one_line(args, message):
    result = run_cli(*args)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_full_mnist_says_what_to_do(tmp_path):
    import os

    env = dict(os.environ, MYNN_DATA_DIR=str(tmp_path))
    result = run_cli("train", "--data", "mnist", env=env)
    assert result.returncode == 1 and "python -m mynn download mnist" in result.stderr
    assert "Traceback" not in result.stderr


def test_download_offline_is_one_clear_line(tmp_path):
    import os

    proxy = "http://127.0.0.1:9"  # nothing listens there: every request fails as when offline
    env = dict(
        os.environ,
        MYNN_DATA_DIR=str(tmp_path),
        http_proxy=proxy,
        https_proxy=proxy,
        HTTP_PROXY=proxy,
        HTTPS_PROXY=proxy,
    )
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    result = run_cli("download", "mnist", env=env)
    assert result.returncode == 1
    assert "Check your internet connection" in result.stderr and "Traceback" not in result.stderr
    assert not any((tmp_path / "mnist").iterdir())


def test_unknown_command_is_rejected():
    result = run_cli("fly")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_diverging_training_says_so_and_fails():
    result = run_cli("train", "--lr", "1e308", "--epochs", "1", "--no-progress")
    assert result.returncode == 1
    assert "diverged" in result.stderr and "smaller learning rate" in result.stderr
    assert "test accuracy" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("train", "--seed", "-1"), "--seed must be a whole number 0 or more"),
        (("train", "--hidden", "1000000000"), "GiB of memory"),
    ],
)
def test_bad_sizes_and_seeds_are_one_line(args, message):
    result = run_cli(*args)
    assert result.returncode == 1 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_closed_pipes_and_missing_stderr_are_quiet():
    command = [sys.executable, "-m", "mynn", "train", "--hidden", "20", "--epochs", "1"]
    piped = subprocess.run(
        " ".join(command) + " | head -c1", shell=True, capture_output=True, text=True
    )
    assert "BrokenPipeError" not in piped.stderr and "Exception ignored" not in piped.stderr
    no_stderr = subprocess.run(" ".join(command) + " 2>&-", shell=True, capture_output=True)
    assert no_stderr.returncode == 0 and b"test accuracy" in no_stderr.stdout


def test_gan_without_torch_says_how_to_install_it(tmp_path):
    # A torch that can't be imported, placed first on the path of a subprocess.
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise ImportError('no torch here')\n")
    import os

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.getcwd()]))
    result = run_cli("gan", "--epochs", "1", env=env)
    assert result.returncode == 1 and "pip install 'mynn[torch]'" in result.stderr
    assert "Traceback" not in result.stderr
