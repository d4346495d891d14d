"""nn.init: PyTorch's formulas, gains and fan rules, measured on large weights."""

import math

import numpy as np
import pytest

import nn
from nn import init

SHAPE = (512, 512)
RECT = (128, 512)  # fan_out 128, fan_in 512: tells the two fans apart


def _assert_moments(w, mean, std, scale):
    """Empirical mean within 3% of the std (the formula's mean is 0 or exact) and
    empirical std within 3% of the formula's std."""
    assert abs(w.mean() - mean) <= 0.03 * scale, (w.mean(), mean)
    assert abs(w.std() / std - 1.0) <= 0.03, (w.std(), std)


GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5 / 3, "relu": math.sqrt(2),
         "leaky_relu": math.sqrt(2 / (1 + 0.01**2))}


@pytest.mark.parametrize(("name", "gain"), GAINS.items())
def test_calculate_gain_matches_pytorch_table(name, gain):
    assert init.calculate_gain(name) == pytest.approx(gain)


def test_calculate_gain_leaky_relu_uses_its_slope_and_rejects_unknown_names():
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_of_a_2d_and_a_4d_shape():
    assert init.calculate_fans((3, 7)) == (7, 3)
    assert init.calculate_fans((8, 4, 3, 3)) == (36, 72)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.calculate_fans((5,))


@pytest.mark.parametrize("shape", [SHAPE, RECT])
@pytest.mark.parametrize("nonlinearity", GAINS)
def test_kaiming_schemes_follow_gain_over_sqrt_fan(shape, nonlinearity):
    fan_in, fan_out = shape[1], shape[0]
    rng = np.random.default_rng(0)
    a = 0.01  # leaky_relu's slope; the other nonlinearities ignore it
    for mode, fan in (("fan_in", fan_in), ("fan_out", fan_out)):
        std = GAINS[nonlinearity] / math.sqrt(fan)
        w = init.kaiming_normal(shape, a, mode=mode, nonlinearity=nonlinearity, rng=rng)
        _assert_moments(w, 0.0, std, std)
        w = init.kaiming_uniform(shape, a, mode=mode, nonlinearity=nonlinearity, rng=rng)
        _assert_moments(w, 0.0, std, std)
        assert np.abs(w).max() <= math.sqrt(3) * std


@pytest.mark.parametrize("shape", [SHAPE, RECT])
@pytest.mark.parametrize("nonlinearity", GAINS)
def test_xavier_schemes_follow_gain_times_sqrt_2_over_fan_sum(shape, nonlinearity):
    rng = np.random.default_rng(1)
    gain = init.calculate_gain(nonlinearity)
    std = gain * math.sqrt(2.0 / (shape[0] + shape[1]))
    _assert_moments(init.xavier_normal(shape, gain=gain, rng=rng), 0.0, std, std)
    w = init.xavier_uniform(shape, gain=gain, rng=rng)
    _assert_moments(w, 0.0, std, std)
    assert np.abs(w).max() <= gain * math.sqrt(6.0 / (shape[0] + shape[1]))


@pytest.mark.parametrize("shape", [SHAPE, RECT])
def test_lecun_normal_is_one_over_sqrt_fan_in(shape):
    std = 1 / math.sqrt(shape[1])
    _assert_moments(init.lecun_normal(shape, rng=np.random.default_rng(2)), 0.0, std, std)


def test_kaiming_default_is_leaky_relu_with_slope_0_that_is_relus_gain():
    std = math.sqrt(2) / math.sqrt(512)
    _assert_moments(init.kaiming_normal(SHAPE, rng=np.random.default_rng(9)), 0.0, std, std)


def test_uniform_normal_and_constants():
    rng = np.random.default_rng(3)
    _assert_moments(init.uniform(SHAPE, -2.0, 4.0, rng=rng), 1.0, 6 / math.sqrt(12), 1.0)
    _assert_moments(init.uniform(SHAPE, rng=rng), 0.5, 1 / math.sqrt(12), 1.0)
    _assert_moments(init.normal(SHAPE, 3.0, 0.5, rng=rng), 3.0, 0.5, 0.5)
    assert init.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert init.ones(4).dtype == np.float64 and init.ones(4).sum() == 4
    assert np.all(init.constant((2, 2), 0.25) == 0.25)


def test_every_function_returns_a_new_float64_array_of_the_shape():
    rng = np.random.default_rng(4)
    for fn in (init.uniform, init.normal, init.lecun_normal, init.xavier_uniform,
               init.xavier_normal, init.kaiming_uniform, init.kaiming_normal):
        w = fn((3, 5), rng=rng)
        assert w.shape == (3, 5) and w.dtype == np.float64


def test_linear_default_is_pytorchs_kaiming_uniform_with_a_sqrt5():
    layer = nn.Linear(512, 512, rng=np.random.default_rng(5))
    bound = 1 / math.sqrt(512)  # gain sqrt(2/(1+5)) * sqrt(3/fan_in)
    w, b = layer.weight.data, layer.bias.data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    _assert_moments(w, 0.0, bound / math.sqrt(3), bound / math.sqrt(3))


def test_init_accepts_a_name_or_a_callable():
    rng = np.random.default_rng(6)
    layer = nn.Linear(4, 3, init="zeros", bias_init="ones", rng=rng)
    assert np.all(layer.weight.data == 0) and np.all(layer.bias.data == 1)
    layer = nn.Linear(4, 3, init=lambda shape, rng: np.full(shape, 7.0))
    assert np.all(layer.weight.data == 7.0)
    neuron = nn.Neuron(3, init="normal", rng=rng)
    assert len(neuron.w) == 3
    with pytest.raises(ValueError, match="unknown initializer 'glorious'"):
        nn.Linear(2, 2, init="glorious")
    with pytest.raises(ValueError, match=r"returned shape \(2,\), expected \(3, 4\)"):
        nn.Linear(4, 3, init=lambda shape, rng: np.zeros(2))


def test_names_give_the_tutorials_schemes():
    rng = np.random.default_rng(7)
    w = init.get_initializer("uniform")(SHAPE, rng=rng)
    assert w.min() >= -1 and w.max() <= 1 and w.std() == pytest.approx(1 / math.sqrt(3), 0.03)
    assert init.get_initializer("normal")(SHAPE, rng=rng).std() == pytest.approx(1.0, 0.03)
    w = init.get_initializer("lecun_normal")(SHAPE, rng=rng)
    assert w.std() == pytest.approx(1 / math.sqrt(512), 0.03)


def test_manual_seed_makes_default_initialisation_reproducible():
    nn.manual_seed(42)
    first = nn.MLP(3, [4, 1]).state_dict()
    a = nn.Linear(3, 2).weight.data
    nn.manual_seed(42)
    second = nn.MLP(3, [4, 1]).state_dict()
    b = nn.Linear(3, 2).weight.data
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])
    np.testing.assert_array_equal(a, b)


def test_scalar_family_default_init_is_uniform_in_plus_minus_one():
    values = np.array([p.data for p in nn.MLP(50, [50, 50]).parameters()])
    assert values.min() >= -1 and values.max() <= 1
    assert values.std() == pytest.approx(1 / math.sqrt(3), rel=0.05)
