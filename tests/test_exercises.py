"""Tests of mynn.exercises: every exercise's checker, its faithfulness, and the notebooks.

Table-driven: for every exercise, the reference solution and at least two correct answers
written differently are "correct", every catalogued mistake is "incorrect" with its own
message, the stub is "not attempted", and a list of bad answers (exceptions, wrong types,
NaN, generators, strings, ...) never crashes the checker. Each reference solution is also
checked against mynn's own implementation of the same maths.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import scipy.special

import mynn.exercises as ex
from mynn import convsize, games
from mynn.images import naive_digit
from mynn.network import NeuralNetwork, make_targets, scale_inputs, sigmoid
from mynn.storage import save_book_weights

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# ---------------------------------------------------------------------------- correct answers
# At least two per exercise, each written differently from the reference solution.


def _query_columns(wih, who, inputs):  # the book's column vectors, flattened at the end
    x = np.array(inputs, ndmin=2).T
    hidden = scipy.special.expit(np.dot(wih, x))
    return scipy.special.expit(np.dot(who, hidden)).ravel()


def _hidden_errors_loop(who, e):
    out = np.zeros(who.shape[1])
    for k in range(who.shape[0]):
        for j in range(who.shape[1]):
            out[j] += who[k, j] * e[k]
    return out


def _update_columns(w, lr, e, o, x):  # the book's column-times-row product
    step = np.array(e * o * (1 - o), ndmin=2).T
    return w + lr * np.dot(step, np.array(x, ndmin=2))


def _targets_full(label, n):
    t = np.full(n, 0.01)
    t[label] = 0.99
    return t


def _save_pathlib(wih, who, folder):
    np.save(Path(folder) / "saved_wih.npy", wih)
    np.save(Path(folder) / "saved_who.npy", who)


def _save_with_mynn(wih, who, folder):
    network = NeuralNetwork(wih.shape[1], wih.shape[0], who.shape[0], 0.1)
    network.wih, network.who = wih, who
    save_book_weights(network, folder)


def _save_handles(wih, who, folder):
    for name, weights in (("saved_who.npy", who), ("saved_wih.npy", wih)):
        with open(os.path.join(folder, name), "wb") as handle:
            np.save(handle, weights)


def _backquery_scipy(w, s):
    v = w.T @ scipy.special.logit(s)
    return (v - v.min()) / np.ptp(v) * 0.98 + 0.01


def _backquery_steps(w, s):
    v = np.dot(s.__rtruediv__(1.0) - 1.0, 1.0)  # 1/s - 1 = (1 - s)/s
    v = w.T @ (-np.log(v))
    return np.interp(v, (v.min(), v.max()), (0.01, 0.99))


def _step_tuple_swap(x, y, lr):
    x, y = x + lr * y, y - lr * x
    return x, y


def _step_mynn(x, y, lr):
    return tuple(games.simulate("simultaneous", x, y, lr, 1)[-1])


def _d_step_no_grad(D, G, optimiser, loss_function, seeds):
    import torch

    optimiser.zero_grad()
    with torch.no_grad():
        fake = G(seeds)
    loss = loss_function(D(fake), torch.zeros(len(seeds), 1))
    loss.backward()
    optimiser.step()
    return loss


def _d_step_item(D, G, optimiser, loss_function, seeds):
    import torch

    output = D(G(seeds).detach())
    target = torch.zeros_like(output)
    optimiser.zero_grad()
    loss = loss_function(output, target)
    loss.backward()
    optimiser.step()
    return loss.item()


def _g_loss_ones(D, G, loss_function, seeds):
    import torch

    fake = G(seeds)
    return loss_function(D(fake), torch.ones(len(seeds), 1))


def _g_loss_full(D, G, loss_function, seeds):
    import torch

    scores = D(G(seeds))
    return loss_function(scores, torch.full(scores.shape, 1.0))


def _layer_sequential(i, o):
    from torch import nn

    return nn.Sequential(nn.ConvTranspose2d(i, o, 4, 2, 1), nn.BatchNorm2d(o), nn.ReLU())


def _layer_output_padding(i, o):
    from torch import nn

    return nn.ConvTranspose2d(i, o, kernel_size=3, stride=2, padding=1, output_padding=1)


def _layer_k2(i, o):
    from torch import nn

    return nn.ConvTranspose2d(i, o, kernel_size=2, stride=2)


CORRECT = {
    "01.sigmoid": [scipy.special.expit, lambda x: np.exp(x) / (1 + np.exp(x)), sigmoid],
    "01.query": [
        _query_columns,
        lambda wih, who, x: sigmoid(sigmoid(x @ wih.T) @ who.T),
        lambda wih, who, x: NeuralNetwork.query(_net(wih, who), x),
    ],
    "01.hidden_errors": [
        lambda who, e: np.dot(e, who),
        _hidden_errors_loop,
        lambda who, e: (who * e[:, None]).sum(axis=0),
    ],
    "01.weight_update": [
        _update_columns,
        lambda w, lr, e, o, x: w + np.einsum("j,i->ji", lr * e * o * (1 - o), x),
    ],
    "02.scale_inputs": [
        lambda p: np.asarray(p, dtype=float) * 0.99 / 255 + 0.01,
        scale_inputs,
        lambda p: 0.01 + (p / 255) * 0.99,
    ],
    "02.make_targets": [
        _targets_full,
        make_targets,
        lambda lab, n: np.where(np.arange(n) == lab, 0.99, 0.01),
    ],
    "03.invert_and_scale": [
        lambda img: scale_inputs((255 - img).ravel()),
        lambda img: (1 - img.flatten() / 255) * 0.99 + 0.01,
        naive_digit,
    ],
    "04.save_weights": [_save_pathlib, _save_with_mynn, _save_handles],
    "05.backquery_layer": [_backquery_scipy, _backquery_steps],
    "10.conv_output_size": [
        lambda n, k, s, p: convsize.conv_output_size(n, k, s, p),
        lambda n, k, s, p: math.floor((n + 2 * p - k) / s) + 1,
        lambda n, k, s, p: int(np.floor((n - k + 2 * p) / s)) + 1,
    ],
    "10.transposed_output_size": [
        lambda n, k, s, p: convsize.conv_transpose_output_size(n, k, s, p),
        lambda n, k, s, p: (n - 1) * s - 2 * p + (k - 1) + 1,
    ],
    "11.simultaneous_step": [
        _step_tuple_swap,
        _step_mynn,
        lambda x, y, lr: np.array([x, y]) + lr * np.array([y, -x]),
    ],
    "20.discriminator_step": [_d_step_no_grad, _d_step_item],
    "21.generator_loss": [_g_loss_ones, _g_loss_full],
    "22.upsampling_layer": [_layer_sequential, _layer_output_padding, _layer_k2],
}


def _net(wih, who):
    network = NeuralNetwork(wih.shape[1], wih.shape[0], who.shape[0], 0.1)
    network.wih, network.who = wih, who
    return network


def _stub(*args):
    raise NotImplementedError


def _raises_midway(*args):
    raise RuntimeError("something went wrong")


def _gen(*args):
    return (a for a in args)


class _Weird:
    def __array__(self, *args, **kwargs):
        raise ValueError("no array here")


BAD_ANSWERS = [
    ("None", lambda *a: None),
    ("string", lambda *a: "0.5"),
    ("generator", _gen),
    ("NaN", lambda *a: float("nan")),
    ("NaN array", lambda *a: np.full(3, np.nan)),
    ("list of strings", lambda *a: ["a", "b"]),
    ("ragged list", lambda *a: [[1.0], [1.0, 2.0]]),
    ("dict", lambda *a: {"x": 1}),
    ("weird object", lambda *a: _Weird()),
    ("bool", lambda *a: True),
    ("complex", lambda *a: 1j),
    ("exception", _raises_midway),
    ("ZeroDivisionError", lambda *a: 1 / 0),
    ("wrong arity", lambda: 0),
    ("the first argument back", lambda *a: a[0]),
    ("a tuple of everything", lambda *a: a),
    ("not callable", 42),
    ("None itself", None),
]


@pytest.fixture(scope="module")
def torch_available():
    return pytest.importorskip("torch")


def _exercise(exercise_id):
    if exercise_id.startswith("2"):
        pytest.importorskip("torch")
    return ex.get(exercise_id)


# ---------------------------------------------------------------------------- the table


def test_catalogue_covers_the_issue():
    ids = ex.catalogue()
    required = {
        "01.sigmoid",
        "01.query",
        "01.hidden_errors",
        "01.weight_update",
        "02.scale_inputs",
        "02.make_targets",
        "10.conv_output_size",
        "10.transposed_output_size",
        "11.simultaneous_step",
    }
    assert required <= set(ids)
    assert len(ids) >= 15 and len(ids) - len(required) >= 6
    assert len({i.split(".")[0] for i in ids}) >= 6
    assert set(CORRECT) == set(ids), "every exercise needs its row of correct answers"


@pytest.mark.parametrize("exercise_id", ex.catalogue())
def test_reference_and_other_correct_answers_are_correct(exercise_id):
    exercise = _exercise(exercise_id)
    answers = [exercise.reference, *CORRECT[exercise_id]]
    assert len(CORRECT[exercise_id]) >= 2
    for answer in answers:
        result = exercise.check(answer)
        assert result.status == "correct", (answer, result)
        assert result.correct


@pytest.mark.parametrize("exercise_id", ex.catalogue())
def test_every_catalogued_mistake_gets_its_own_message(exercise_id):
    exercise = _exercise(exercise_id)
    assert len(exercise.mistakes) >= 3
    messages = [m.message for m in exercise.mistakes]
    assert len(set(messages)) == len(messages)
    for mistake in exercise.mistakes:
        result = exercise.check(mistake.function)
        assert result.status == "incorrect", mistake.name
        assert result.message == mistake.message, (mistake.name, result.message)
        # a mistake must show on real outputs, not only by raising
        outcomes = exercise.outcomes(mistake.function)
        assert any(o.error is None for o in outcomes), mistake.name


@pytest.mark.parametrize("exercise_id", ex.catalogue())
def test_stub_is_not_attempted(exercise_id):
    exercise = _exercise(exercise_id)
    namespace = {}
    exec(exercise.stub(), namespace)  # the notebook's stub cell, exactly
    result = exercise.check(namespace[exercise.function_name])
    assert result.status == "not attempted"
    assert repr(result) == (
        f"{exercise_id}: not attempted. {exercise.function_name} still raises "
        "NotImplementedError: replace that line with your code, run the cell, then run this "
        "check again."
    )
    assert exercise.check(_stub).status == "not attempted"


@pytest.mark.parametrize("exercise_id", ex.catalogue())
def test_checker_never_crashes_on_bad_answers(exercise_id):
    exercise = _exercise(exercise_id)
    for name, answer in BAD_ANSWERS:
        result = exercise.check(answer)
        assert result.status == "incorrect", (name, result)
        assert result.message and "Traceback" not in result.message, name
        assert str(result) == repr(result)


@pytest.mark.parametrize("exercise_id", ex.catalogue())
def test_hints_come_in_stages_and_solution_is_the_reference(exercise_id):
    exercise = _exercise(exercise_id)
    exercise._hints_given = 0
    first = exercise.hint()
    assert first.startswith(f"Hint 1 of {len(exercise.hints)}")
    for _ in range(len(exercise.hints) + 1):
        last = exercise.hint()
    assert "last hint" in last and last == exercise.hint(len(exercise.hints))
    with pytest.raises(ValueError, match="hints 1.."):
        exercise.hint(len(exercise.hints) + 1)
    namespace = {}
    exec(exercise.solution_source(), namespace)
    assert exercise.check(namespace[exercise.function_name]).status == "correct"
    assert f"def {exercise.function_name}(" in exercise.solution()


def test_specific_advice_for_common_errors():
    sigmoid_exercise = ex.get("01.sigmoid")
    result = sigmoid_exercise.check(lambda x: 1 / (1 + math.exp(-x)))
    assert result.status == "incorrect" and "np.exp" in result.message
    result = sigmoid_exercise.check(lambda x: None)
    assert "return" in result.message
    result = sigmoid_exercise.check(lambda x: (v for v in x))
    assert "generator" in result.message
    result = sigmoid_exercise.check(lambda x: np.asfarray(x))  # noqa: NPY201 - a real mistake
    assert "asarray" in result.message
    query = ex.get("01.query")
    result = query.check(lambda wih, who, x: sigmoid(who @ sigmoid(x @ wih)))  # missing .T
    assert "shape error" in result.message
    update = ex.get("01.weight_update")
    result = update.check(lambda w, lr, e, o, x: w + lr * np.dot(e * o * (1 - o), x.T))
    assert "np.outer" in result.message
    size = ex.get("10.conv_output_size")
    result = size.check(lambda n, k, s, p: (n + 2 * p - k) / s + 1)
    assert "float" in result.message and "//" in result.message
    targets = ex.get("02.make_targets")
    result = targets.check(lambda label, n: np.zeros(n, dtype=int))
    assert "whole numbers" in result.message
    result = sigmoid_exercise.check(lambda x: sigmoid(x).reshape(-1, 1))
    assert "shape" in result.message


def test_result_display_and_validation():
    result = ex.get("01.sigmoid").check(sigmoid)
    assert result.status in ex.STATUSES
    assert "correct" in result._repr_html_() and "<div" in result._repr_html_()
    with pytest.raises(ValueError, match="status must be one of"):
        ex.Result("01.sigmoid", "fine", "")
    text = ex.get("01.sigmoid").hint(1)
    assert repr(text) == str(text) and text._repr_markdown_() == str(text)


def test_unknown_id_lists_the_ids():
    with pytest.raises(KeyError) as info:
        ex.get("01.sigmod")
    assert "01.sigmoid" in str(info.value) and "11.simultaneous_step" in str(info.value)


def test_check_does_not_touch_the_readers_inputs_or_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def in_place(w, lr, e, o, x):
        w += lr * np.outer(e * o * (1 - o), x)
        return w

    assert ex.get("01.weight_update").check(in_place).status == "correct"
    inputs = ex.get("01.weight_update").inputs()
    assert all(
        np.array_equal(a[0], b[0]) for a, b in zip(inputs, ex.get("01.weight_update").inputs())
    )
    assert ex.get("04.save_weights").check(CORRECT["04.save_weights"][0]).correct
    result = ex.get("04.save_weights").check(lambda wih, who, folder: np.save("saved_wih.npy", wih))
    assert result.status == "incorrect" and "current folder" in result.message
    assert list(tmp_path.iterdir()) == []


def test_import_does_not_import_torch():
    code = "import sys, mynn.exercises as e; e.get('01.sigmoid'); print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------- faithful to mynn


def test_network_references_match_neural_network(rng):
    network = NeuralNetwork(6, 5, 4, learning_rate=0.3, seed=3)
    x = rng.uniform(0.01, 1.0, 6)
    targets = make_targets(2, 4)
    mod = importlib.import_module("mynn.exercises.network")
    assert np.allclose(mod.my_sigmoid(np.linspace(-8, 8, 9)), sigmoid(np.linspace(-8, 8, 9)))
    wih, who = network.wih.copy(), network.who.copy()
    outputs = mod.my_query(wih, who, x)
    np.testing.assert_allclose(outputs, network.query(x), rtol=1e-12)
    hidden = sigmoid(wih @ x)
    output_errors = targets - outputs
    hidden_errors = mod.my_hidden_errors(who, output_errors)
    new_who = mod.my_weight_update(who, 0.3, output_errors, outputs, hidden)
    new_wih = mod.my_weight_update(wih, 0.3, hidden_errors, hidden, x)
    network.train(x, targets)
    np.testing.assert_allclose(new_who, network.who, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(new_wih, network.wih, rtol=1e-12, atol=1e-15)
    pixels = rng.integers(0, 256, 784).astype(np.uint8)
    np.testing.assert_allclose(mod.my_scale_inputs(pixels), scale_inputs(pixels))
    for label, n in ((0, 10), (7, 10), (2, 3)):
        np.testing.assert_array_equal(mod.my_make_targets(label, n), make_targets(label, n))


def test_data_references_match_mynn(rng, tmp_path):
    mod = importlib.import_module("mynn.exercises.data")
    image = rng.integers(0, 256, (28, 28)).astype(np.uint8)
    np.testing.assert_allclose(mod.my_invert_and_scale(image), naive_digit(image), rtol=1e-12)
    network = NeuralNetwork(5, 4, 3, 0.1, seed=1)
    (tmp_path / "mine").mkdir()
    mod.my_save_weights(network.wih, network.who, tmp_path / "mine")
    save_book_weights(network, tmp_path)
    for name in ("saved_wih.npy", "saved_who.npy"):
        mine, theirs = np.load(tmp_path / "mine" / name), np.load(tmp_path / name)
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
    # two back-query layers make NeuralNetwork.backquery
    network = NeuralNetwork(12, 7, 4, 0.1, seed=2)
    for label in range(4):
        hidden = mod.my_backquery_layer(network.who, make_targets(label, 4))
        image = mod.my_backquery_layer(network.wih, hidden)
        np.testing.assert_allclose(image, network.backquery(label), rtol=1e-10)


def test_article_references_match_mynn():
    mod = importlib.import_module("mynn.exercises.articles")
    for n in (5, 7, 28, 64):
        for k in (1, 2, 3, 4, 5):
            for s in (1, 2, 3):
                for p in (0, 1, 2):
                    if n + 2 * p >= k:
                        assert mod.my_conv_output_size(n, k, s, p) == convsize.conv_output_size(
                            n, k, s, p
                        )
                    if (n - 1) * s - 2 * p + k >= 1:
                        assert mod.my_transposed_output_size(
                            n, k, s, p
                        ) == convsize.conv_transpose_output_size(n, k, s, p)
    x, y = 1.0, 0.5
    path = games.simulate("simultaneous", x, y, 0.1, 5)
    for step in range(5):
        x, y = mod.my_simultaneous_step(x, y, 0.1)
        np.testing.assert_allclose((x, y), path[step + 1], rtol=1e-14)


def test_gan_references(torch_available):
    torch = torch_available
    from torch import nn

    mod = importlib.import_module("mynn.exercises.gan")
    torch.manual_seed(0)
    D = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
    G = nn.Sequential(nn.Linear(1, 3), nn.Sigmoid(), nn.Linear(3, 4), nn.Sigmoid())
    seeds = torch.rand(2, 1)
    loss_function = nn.MSELoss()
    fake = G(seeds).detach()
    expected_grads = torch.autograd.grad(
        loss_function(D(fake), torch.zeros(2, 1)), list(D.parameters())
    )
    before = [p.detach().clone() for p in D.parameters()]
    mod.my_discriminator_step(D, G, torch.optim.SGD(D.parameters(), lr=0.01), loss_function, seeds)
    for p, b, g in zip(D.parameters(), before, expected_grads):
        torch.testing.assert_close(p.detach(), b - 0.01 * g)
    assert all(p.grad is None for p in G.parameters())
    # G's loss: D's loss with target 1, whose gradient reaches G (mynn.gan.training's rule)
    loss = mod.my_generator_loss(D, G, loss_function, seeds)
    torch.testing.assert_close(loss, ((D(G(seeds)) - 1) ** 2).mean())
    loss.backward()
    assert all(p.grad is not None for p in G.parameters())
    # the upsampling layer makes 7 x 7 into 14 x 14, as mynn.convsize says
    layer = mod.my_upsampling_layer(3, 2)
    assert (
        convsize.conv_transpose_output_size(
            7, layer.kernel_size[0], layer.stride[0], layer.padding[0]
        )
        == 14
    )
    assert layer(torch.zeros(1, 3, 7, 7)).shape == (1, 2, 14, 14)


# ---------------------------------------------------------------------------- the notebooks


def _your_turn_cells(path):
    nb = nbformat.read(path, as_version=4)
    return nb, [c for c in nb.cells if "your-turn" in c.metadata.get("tags", [])]


def _exercise_notebooks():
    numbers = sorted({i.split(".")[0] for i in ex.catalogue()})
    return [next(NOTEBOOKS.glob(f"{number}_*.ipynb")) for number in numbers]


def _stub_exercise(source):
    """The exercise whose function a stub cell defines."""
    match = re.search(r"^def (\w+)\(", source, re.M)
    for exercise_id in ex.catalogue():
        exercise = _exercise(exercise_id)
        if match and exercise.function_name == match.group(1):
            return exercise
    raise AssertionError(f"a your-turn stub cell defines no known exercise:\n{source}")


@pytest.mark.parametrize("path", _exercise_notebooks(), ids=lambda p: p.name)
def test_notebook_stub_cells_are_in_the_stub_state(path):
    nb, cells = _your_turn_cells(path)
    number = path.name[:2]
    wanted = [i for i in ex.catalogue() if i.startswith(number + ".")]
    stubs = [c for c in cells if c.cell_type == "code" and "NotImplementedError" in c.source]
    checks = [c for c in cells if c.cell_type == "code" and ".check(" in c.source]
    assert [_stub_exercise(c.source).id for c in stubs] == wanted
    for cell, exercise_id in zip(stubs, wanted):
        exercise = ex.get(exercise_id)
        assert cell.source == exercise.stub(), f"{path.name}: stub of {exercise_id} changed"
        assert exercise.solution_source().split("def ")[1] not in path.read_text()
    assert [c.source for c in checks] == [ex.get(i).check_source() for i in wanted]
    for cell, exercise_id in zip(checks, wanted):
        for output in cell.get("outputs", []):  # committed outputs, once executed
            text = output.get("data", {}).get("text/plain", "")
            assert text.startswith(f"{exercise_id}: not attempted."), text
    headings = [c for c in nb.cells if c.cell_type == "markdown" and "## Things to try" in c.source]
    if headings:
        assert nb.cells.index(cells[-1]) < nb.cells.index(headings[0])


@pytest.mark.parametrize("path", _exercise_notebooks(), ids=lambda p: p.name)
def test_notebook_with_solutions_swapped_in_reports_correct(path, monkeypatch):
    """Every check in the notebook says "correct" once the stubs hold the reference solutions.

    Design, to keep CI time down: only the notebook's cells tagged ``your-turn`` are run
    (they are self-contained: each imports what it needs), in one fresh kernel per notebook
    started by nbclient in the notebook's folder. Every stub cell's source is replaced by the
    reference solution from ``mynn.exercises`` (``Exercise.solution_source()``) for the
    function it defines, and every check cell's displayed Result must read "correct". So a
    notebook's stub or check cell can't drift from its checker.
    """
    nbclient = pytest.importorskip("nbclient")
    if path.name.startswith("2"):
        pytest.importorskip("torch")

    nb, cells = _your_turn_cells(path)
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = []
            if "NotImplementedError" in cell.source:
                cell.source = _stub_exercise(cell.source).solution_source()
    nb.cells = cells
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))  # this mynn
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    checks = [c for c in cells if c.cell_type == "code" and ".check(" in c.source]
    assert checks
    for cell in checks:
        texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs]
        exercise_id = re.search(r'get\("([\w.]+)"\)', cell.source).group(1)
        assert texts and texts[-1].startswith(f"{exercise_id}: correct."), (
            exercise_id,
            cell.outputs,
        )


def test_gan_checks_leave_the_readers_random_state_alone(torch_available):
    torch = torch_available
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    for exercise_id in ("20.discriminator_step", "21.generator_loss"):
        exercise = ex.get(exercise_id)
        assert exercise.check(exercise.reference).correct
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("exercise_id", ex.catalogue())
def test_a_hard_coded_answer_fails(exercise_id):
    """The answer right for the first input, returned whatever the input, is found out."""
    exercise = _exercise(exercise_id)
    first = exercise.outcomes(exercise.reference)[0]
    assert first.error is None
    args0 = exercise.inputs()[0]
    if exercise.observe is None:
        result = exercise.check(lambda *args: first.value)
    elif exercise_id == "04.save_weights":  # always saves the first input's weights
        result = exercise.check(lambda wih, who, folder: exercise.reference(*args0, folder))
    elif exercise_id == "22.upsampling_layer":  # always the first input's channels
        result = exercise.check(lambda in_channels, out_channels: exercise.reference(*args0))
    else:  # the GAN steps: the first input's loss, returned without training anything
        import torch

        result = exercise.check(lambda *args: torch.tensor(first.value["loss"]))
    assert result.status == "incorrect", result


def test_every_module_exercise_is_in_the_catalogue(torch_available):
    from mynn.exercises import _MODULES

    for module_name, ids in _MODULES.items():
        module = importlib.import_module(module_name)
        assert tuple(e.id for e in module.EXERCISES) == ids


def test_readme_and_notebook_00_name_the_exercise_notebooks():
    numbers = sorted({i.split(".")[0] for i in ex.catalogue()})
    assert numbers == ["01", "02", "03", "04", "05", "10", "11", "20", "21", "22"]
    claim = "Notebooks 01-05, 10, 11 and 20-22"
    assert claim in (ROOT / "README.md").read_text()
    assert claim in (NOTEBOOKS / "00_start_here.ipynb").read_text()
    assert (
        'mynn.exercises.get(\\"01.sigmoid\\").check(my_sigmoid)'
        in (NOTEBOOKS / "00_start_here.ipynb").read_text()
    )


@pytest.mark.parametrize("path", _exercise_notebooks(), ids=lambda p: p.name)
def test_notebook_your_turn_cells_are_what_the_tool_writes(path):
    """tools/your_turn_cells.py rewrites the section from mynn.exercises; nothing has drifted."""
    spec = importlib.util.spec_from_file_location(
        "your_turn", ROOT / "tools" / "your_turn_cells.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    number = path.name[:2]
    exercises = [_exercise(i) for i in ex.catalogue() if i.startswith(number + ".")]
    _, cells = _your_turn_cells(path)
    expected = tool.your_turn_cells(exercises)
    assert [(c.cell_type, c.source) for c in cells] == [(c.cell_type, c.source) for c in expected]
