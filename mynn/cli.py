"""The command line: ``python -m mynn train``, ``evaluate``, ``predict``, ``download`` and ``gan``.

A problem mynn found and explained (a :class:`~mynn.errors.MynnError`) or a clear problem
with a file (no such file, no permission, a folder where a file belongs, a full disk) is
reported as one line on stderr, exit status 1. Anything else is a bug: its traceback is
shown. ``--debug`` (before or after the command) shows the traceback of every error.
"""

from __future__ import annotations

import argparse
import errno
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from mynn import __version__, datasets
from mynn.errors import MynnError, UsageError
from mynn.gan.command import add_gan_parser, gan_command
from mynn.network import NeuralNetwork, confusion_matrix
from mynn.training import fit, predict_raw, score


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mynn",
        description="The runnable companion to Make Your Own Neural Network.",
    )
    parser.add_argument("--version", action="version", version=f"mynn {__version__}")
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of any error (for reporting a bug)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of any error"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, **options) -> argparse.ArgumentParser:
        """A subcommand; every one also takes ``--debug`` after its name."""
        return commands.add_parser(name, parents=[debug], **options)

    train = command(
        "train",
        help="train the book's 3-layer network and print its test accuracy",
        description="Train the book's network (784 inputs, sigmoid, per-sample gradient "
        "descent) on handwritten digits and report the accuracy on the test set.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    train.add_argument(
        "--data",
        choices=datasets.DATA_CHOICES,
        default="mnist-sample",
        help="mnist-sample: the 5,000 real digits bundled with mynn; "
        "mnist: full MNIST (run `download mnist` first); fashion-sample: 5,000 real "
        "pictures of clothes bundled with mynn; fashion-mnist: full Fashion-MNIST "
        "(run `download fashion-mnist` first)",
    )
    train.add_argument(
        "--hidden", type=int, default=argparse.SUPPRESS, help="hidden nodes (default: 200)"
    )
    train.add_argument(
        "--lr", type=float, default=argparse.SUPPRESS, help="learning rate (default: 0.1)"
    )
    train.add_argument(
        "--epochs",
        type=int,
        default=argparse.SUPPRESS,
        help="passes over the training set (default: 5; with --resume: the run's total, "
        "as it was started)",
    )
    train.add_argument(
        "--seed", type=int, default=0, help="seed for the initial weights (0 or more)"
    )
    train.add_argument(
        "--bias",
        action="store_true",
        default=argparse.SUPPRESS,
        help="add bias nodes (the book's network has none)",
    )
    train.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    train.add_argument(
        "--save",
        metavar="FILE",
        default=None,
        help="save the network with where training stands to FILE (.npz, or .h5 for HDF5) "
        "after each epoch, on Ctrl-C and at the end; continue it later with --resume FILE",
    )
    train.add_argument(
        "--overwrite",
        action="store_true",
        help="let --save replace an existing file that is not this run's checkpoint",
    )
    train.add_argument(
        "--resume",
        metavar="FILE",
        default=None,
        help="continue the run saved in FILE with its network and settings (a --hidden, "
        "--lr or --bias that disagrees with them is refused), on the same --data; saves "
        "back into FILE unless --save names another file",
    )
    train.add_argument(
        "--checkpoint-every",
        metavar="N",
        type=int,
        default=None,
        help="with --save/--resume: save every N images as well as at each epoch's end",
    )

    evaluate = command(
        "evaluate",
        help="load a saved network and print its test accuracy and confusion matrix",
        description="Load a network saved by `train --save` or network.save() (.npz or "
        ".h5), or the book's saved_wih.npy and saved_who.npy (give their folder), and "
        "score it on a test set.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    evaluate.add_argument(
        "--weights",
        metavar="FILE",
        required=True,
        help="the saved network: a .npz or .h5 file, or a folder holding the book's "
        "saved_wih.npy and saved_who.npy",
    )
    evaluate.add_argument(
        "--data",
        choices=datasets.DATA_CHOICES,
        default="mnist-sample",
        help="whose test images to score it on",
    )

    download = command(
        "download",
        help="download full MNIST or Fashion-MNIST, verified against published checksums",
        description="Download a dataset's files, trying each mirror in turn and checking "
        "every file against its published MD5 checksum.",
    )
    download.add_argument("dataset", choices=sorted(datasets.DATASETS), help="which dataset")
    download.add_argument(
        "--dest",
        default=None,
        metavar="DIR",
        help="data folder to save into, the same as MYNN_DATA_DIR: the files go into "
        "DIR/<dataset>/, where `MYNN_DATA_DIR=DIR python -m mynn train --data <dataset>` "
        "finds them (default: $MYNN_DATA_DIR, else $XDG_CACHE_HOME/mynn, else ~/.cache/mynn)",
    )
    download.add_argument(
        "--deadline",
        type=float,
        default=datasets.FILE_DEADLINE,
        metavar="SECONDS",
        help="give up on a mirror that takes longer than this for one file "
        f"(default: {datasets.FILE_DEADLINE:.0f})",
    )

    predict = command(
        "predict",
        help="read images of handwritten digits and print the network's answer for each",
        description="Prepare each picture as MNIST digits were made (invert dark-on-light, "
        "remove the paper, crop, scale to 20 px, centre by mass) and print the digit the "
        "network picks with its output for that digit (0..1). Without --weights a network "
        "is first trained on the bundled MNIST sample (784-200-10, lr 0.1, 5 epochs, seed 0).",
    )
    predict.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, ... files")
    predict.add_argument(
        "--weights",
        default=None,
        metavar="FILE",
        help="a network saved by mynn.save (.npz or .h5), or a folder holding the book's "
        "saved_wih.npy and saved_who.npy",
    )
    predict.add_argument(
        "--naive",
        action="store_true",
        help="the book's loading instead: resize the whole picture to 28 x 28 and invert",
    )

    add_gan_parser(command)
    return parser


def train_command(args: argparse.Namespace) -> int:
    if args.seed < 0:
        raise UsageError(f"--seed must be a whole number 0 or more, got {args.seed}")
    if args.checkpoint_every is not None and args.save is None and args.resume is None:
        raise UsageError("--checkpoint-every needs --save FILE (or --resume FILE), where to save")
    save = args.save if args.save is not None else args.resume
    if save is not None:
        _check_save_target(save, resume=args.resume, overwrite=args.overwrite)
    state = None
    if args.resume is not None:
        from mynn.storage import load_checkpoint

        network, state = load_checkpoint(args.resume)
        if state is None:
            raise UsageError(
                f"{args.resume}: a saved network without a training state; --resume continues "
                "a run saved by train --save"
            )
        _check_resume_settings(args, network)
    (train_images, train_labels), (test_images, test_labels) = datasets.load_train_test(args.data)
    epochs = getattr(args, "epochs", state.epochs if state is not None else 5)
    if state is None:
        network = NeuralNetwork(
            784,
            getattr(args, "hidden", 200),
            10,
            getattr(args, "lr", 0.1),
            seed=args.seed,
            bias=getattr(args, "bias", False),
        )
    elif (network.inodes, network.onodes) != (train_images.shape[1], 10):
        raise UsageError(
            f"{args.resume}: the checkpoint's {network.inodes}-{network.hnodes}-"
            f"{network.onodes} network doesn't fit {args.data}, whose images have "
            f"{train_images.shape[1]} pixels in 10 classes (it needs {train_images.shape[1]} "
            "inputs and 10 outputs); resume it on the data it was trained on"
        )
    print(
        f"{network} on {args.data}: {len(train_images)} training images, {len(test_images)} test images"
    )
    if state is not None:
        within = f", and {state.position} images of the next," if state.position else ""
        print(f"resuming {args.resume}: {state.epochs_done} of {epochs} epochs{within} done")
    start = time.perf_counter()
    try:
        fit(
            network,
            train_images,
            train_labels,
            epochs=epochs,
            progress=not args.no_progress,
            checkpoint=save,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
        )
    except KeyboardInterrupt as interrupt:
        if save is None:
            raise
        raise KeyboardInterrupt(
            f"{interrupt}; continue with: python -m mynn train --resume {save}"
            + ("" if args.data == "mnist-sample" else f" --data {args.data}")
        ) from None
    done = epochs - (state.epochs_done if state is not None else 0)
    print(f"trained {done} epoch{'' if done == 1 else 's'} in {time.perf_counter() - start:.1f} s")
    print(f"test accuracy: {score(network, test_images, test_labels):.4f}")
    if save is not None:
        print(f"saved to {save} (python -m mynn evaluate --weights {save})")
    return 0


def _check_save_target(save: str, resume: str | None, overwrite: bool) -> None:
    """Refuse, before any work, a --save file that can't be written or belongs to another run."""
    from mynn.storage import HDF5_SUFFIXES, NPZ_SUFFIXES, check_output_path

    target = check_output_path(save, NPZ_SUFFIXES + HDF5_SUFFIXES)
    if not target.exists() and not target.is_symlink():
        return
    if resume is not None and os.path.realpath(save) == os.path.realpath(resume):
        return  # this run's own checkpoint
    if overwrite:
        return
    raise UsageError(
        f"{save}: already exists and is not this run's checkpoint; it would be replaced after "
        f"the first epoch. To continue the run saved there: python -m mynn train --resume "
        f"{shlex.quote(save)}; to replace it: add --overwrite; or --save another file"
    )


def _check_resume_settings(args: argparse.Namespace, network: NeuralNetwork) -> None:
    """A --hidden, --lr or --bias given with --resume must agree with the checkpoint."""
    given = {
        "--hidden": (getattr(args, "hidden", None), network.hnodes),
        "--lr": (getattr(args, "lr", None), network.lr),
        "--bias": (getattr(args, "bias", None), network.bias),
    }
    for option, (asked, saved) in given.items():
        if asked is not None and asked != saved:
            shown = "" if option == "--bias" else f" {asked:g}"
            saved_text = {"--hidden": f"{saved} hidden nodes", "--lr": f"learning rate {saved:g}",
                          "--bias": "no biases"}[option]  # fmt: skip
            raise UsageError(
                f"{option}{shown} disagrees with {args.resume}, whose network has "
                f"{saved_text}; --resume continues the saved network as it is: leave "
                f"{option} out, or start a new run with --save ANOTHER_FILE"
            )


def _load_network(weights: str) -> NeuralNetwork:
    """A network file, or a folder holding the book's saved_wih.npy and saved_who.npy."""
    from mynn import storage

    path = Path(weights)
    if path.is_dir():
        wih, who = (path / name for name in storage.BOOK_FILES)
        if not (wih.exists() or who.exists()):
            raise UsageError(
                f"{weights}: a folder without the book's {' and '.join(storage.BOOK_FILES)}; "
                "give a network file (.npz, .h5) or the folder holding those two files"
            )
        # The book's files hold no learning rate; using the network doesn't need one.
        return storage.load_book_weights(wih, who, learning_rate=0.1)
    return storage.load(path)


def evaluate_command(args: argparse.Namespace) -> int:
    weights = Path(args.weights)
    network = _load_network(args.weights)
    if (network.inodes, network.onodes) != (784, 10):
        raise UsageError(
            f"{weights}: holds a {network.inodes}-{network.hnodes}-{network.onodes} network; "
            "evaluate scores 28 x 28 images in 10 classes, which needs 784 inputs and 10 outputs"
        )
    test_images, test_labels = datasets.load_train_test(args.data)[1]
    predicted = predict_raw(network, test_images)
    matrix = confusion_matrix(labels=test_labels, predicted=predicted)
    kind = f"{network.inodes}-{network.hnodes}-{network.onodes}" + (
        " network with biases" if network.bias else " network"
    )
    print(f"{weights}: a {kind}, scored on {len(test_labels)} {args.data} test images")
    print(f"test accuracy: {(predicted == test_labels).mean():.4f}")
    print("confusion matrix (rows: the true label, columns: the network's answer)")
    width = max(4, len(str(matrix.max())) + 1)
    print("true" + "".join(f"{label:>{width}}" for label in range(10)))
    for label, row in enumerate(matrix):
        print(f"{label:>4}" + "".join(f"{count:>{width}}" for count in row))
    if args.data.startswith("fashion"):
        names = ", ".join(f"{i} {name}" for i, name in enumerate(datasets.FASHION_MNIST_CLASSES))
        print(f"classes: {names}")
    return 0


def download_command(args: argparse.Namespace) -> int:
    try:
        folder = datasets.download(args.dataset, dest=args.dest, deadline=args.deadline)
    except datasets.DownloadInterrupted as stop:
        print(f"interrupted: {stop}", file=sys.stderr)
        return 130
    print(f"{args.dataset}: all files present and verified in {folder}")
    if args.dest is not None and os.environ.get("MYNN_DATA_DIR") != args.dest:
        print(
            f"to use them: MYNN_DATA_DIR={shlex.quote(args.dest)} python -m mynn train "
            f"--data {args.dataset}"
        )
    return 0


def predict_command(args: argparse.Namespace) -> int:
    from mynn import images

    if args.weights is not None:
        network = _load_network(args.weights)
        if (network.inodes, network.onodes) != (784, 10):
            raise UsageError(
                f"{args.weights} holds a network with {network.inodes} inputs and "
                f"{network.onodes} outputs; reading digits needs 784 inputs and 10 outputs"
            )
        print(f"{network} from {args.weights}")
    else:
        network = NeuralNetwork(784, 200, 10, 0.1, seed=0)
        print(
            f"no --weights given: training {network} on the bundled MNIST sample first "
            "(5 epochs, seed 0)"
        )
        train_images, train_labels = datasets.load_mnist("train")
        fit(network, train_images, train_labels, epochs=5)
    prepare = images.naive_digit if args.naive else images.prepare_digit
    failed = 0
    for path in args.images:
        try:
            inputs = prepare(path)
        except Exception as error:
            if getattr(args, "debug", False) or not is_user_error(error):
                raise
            failed += 1
            message = describe(error)
            where = "" if message.startswith(_one_line(str(path))) else f"{_one_line(path)}: "
            _report(f"{where}error: {message}")
            continue
        outputs = network.query(inputs)
        first, second = np.argsort(outputs)[::-1][:2]
        print(
            f"{_one_line(path)}: {first} (output {outputs[first]:.2f}; next {second} at "
            f"{outputs[second]:.2f})"
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {
        "train": train_command,
        "evaluate": evaluate_command,
        "download": download_command,
        "predict": predict_command,
        "gan": gan_command,
    }[args.command]
    try:
        return command(args)
    except BrokenPipeError:
        # The reader of our output went away (``python -m mynn train | head -c1``): stop
        # quietly, and keep Python from complaining when it flushes stdout at exit.
        _silence_stdout()
        return 1
    except KeyboardInterrupt as interrupt:
        _report(str(interrupt) if interrupt.args else "interrupted: nothing was saved")
        return 130
    except Exception as error:
        if getattr(args, "debug", False) or not is_user_error(error):
            raise  # a bug (or --debug): the traceback says where
        _report(f"error: {describe(error)}")
        return 1


#: Operating-system errors that are about the user's files, not about mynn's code.
_USER_ERRNOS = {
    errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EEXIST,
    errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.ENAMETOOLONG, errno.ELOOP, errno.EFBIG,
    errno.ENXIO, errno.EIO,
}  # fmt: skip


def is_user_error(error: BaseException) -> bool:
    """True for errors the command line reports in one line: mynn's own and clear OS errors."""
    if isinstance(error, MynnError):
        return True
    clear_kinds = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError,
                   FileExistsError)  # fmt: skip
    return isinstance(error, clear_kinds) or (
        isinstance(error, OSError) and error.errno in _USER_ERRNOS
    )


def describe(error: BaseException) -> str:
    """The error's message on one line; control characters (a newline in a path) shown escaped."""
    if isinstance(error, OSError) and not isinstance(error, MynnError) and error.strerror:
        where = f"{error.filename}: " if error.filename is not None else ""
        hint = {
            errno.ENOSPC: "; free some space or choose another disk",
            errno.EDQUOT: "; free some space or choose another disk",
            errno.EACCES: "; choose a place you may write to",
            errno.EROFS: "; choose a place you may write to",
        }.get(error.errno, "")
        message = f"{where}{error.strerror}{hint}"
    else:
        message = str(error)
    return _one_line(message)


def _one_line(text: str) -> str:
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def _report(message: str) -> None:
    """One line on stderr, or nowhere if stderr is missing or closed."""
    try:
        if sys.stderr is not None and not sys.stderr.closed:
            print(message, file=sys.stderr)
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
