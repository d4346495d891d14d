"""examples/newton.py: Newton's method with the exact Hessian converges in a handful of
steps, quadratically, where gradient descent needs hundreds."""

from test_examples import is_png, load


def test_newton_beats_gradient_descent_and_converges_quadratically(tmp_path, capsys):
    runs = load("newton").main(["--out", str(tmp_path), "--max-iterations", "2000"])
    newton, descent = runs["Newton (exact Hessian)"], runs["gradient descent (lr=1)"]
    assert newton[-1] < 1e-8 and descent[-1] < 1e-8
    assert len(newton) <= 10 < 100 < len(descent)
    # quadratic convergence: near the end each step at least squares the error (roughly)
    assert newton[-1] < 10 * newton[-2] ** 1.5
    assert is_png(tmp_path / "newton_vs_gradient_descent.png")
    assert "Newton (exact Hessian)" in capsys.readouterr().out
