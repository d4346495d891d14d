"""DataLoader, TensorDataset, re-iterable batches, seeded splits and one_hot's memory."""

import numpy as np
import pytest

import nn
from nn.data import DataLoader, TensorDataset


def _dataset(n=10):
    X = np.arange(n * 2, dtype=float).reshape(n, 2)
    return TensorDataset(X, np.arange(n))


def test_every_epoch_has_the_same_batches_and_len_counts_them():
    loader = DataLoader(_dataset(10), batch_size=4, shuffle=True, rng=0)
    assert len(loader) == 3
    for _ in range(3):
        sizes = [len(yb) for _, yb in loader]
        assert sizes == [4, 4, 2]
    dropping = DataLoader(_dataset(10), batch_size=4, drop_last=True)
    assert len(dropping) == 2 and [len(y) for _, y in dropping] == [4, 4]


def test_a_seeded_loader_draws_a_new_order_each_epoch_and_is_reproducible():
    orders = [np.concatenate([y for _, y in DataLoader(_dataset(30), 8, shuffle=True, rng=5)])
              for _ in range(2)]
    np.testing.assert_array_equal(orders[0], orders[1])  # same seed, same first epoch
    loader = DataLoader(_dataset(30), 8, shuffle=True, rng=np.random.default_rng(5))
    epochs = [np.concatenate([y for _, y in loader]) for _ in range(3)]
    assert all(sorted(e) == list(range(30)) for e in epochs)
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[1], epochs[2])
    np.testing.assert_array_equal(epochs[0], orders[0])


def test_rows_stay_paired_and_an_unshuffled_loader_keeps_order():
    for xb, yb in DataLoader(_dataset(9), batch_size=2, shuffle=True, rng=1):
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)
    ys = [y.tolist() for _, y in DataLoader(_dataset(5), batch_size=2)]
    assert ys == [[0, 1], [2, 3], [4]]


def test_a_plain_dataset_is_collated_by_stacking():
    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i]), i

    batches = list(DataLoader(Squares(), batch_size=3))
    assert batches[0][0].tolist() == [[0, 0], [1, 1], [2, 4]] and batches[1][1].tolist() == [3, 4]


def test_bad_arguments_fail_when_made_not_when_iterated():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(_dataset(), batch_size=0)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        DataLoader(_dataset(), shuffle=1)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        nn.data.batches(np.zeros((4, 1)), batch_size=0)
    with pytest.raises(ValueError, match="same number of rows"):
        TensorDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="rng must be"):
        DataLoader(_dataset(), shuffle=True, rng="seed")


def test_batches_is_re_iterable_across_epochs():
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    stream = nn.data.batches(X, y, batch_size=2, rng=3)
    counts = [sum(1 for _ in stream) for _ in range(3)]
    assert counts == [3, 3, 3] and len(stream) == 3
    only_x = nn.data.batches(X, batch_size=4, shuffle=False)
    assert [b.shape for b in only_x] == [(4, 2), (1, 2)]


def test_train_test_split_takes_an_int_seed_or_a_generator():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    a = nn.data.train_test_split(X, y, rng=42)
    b = nn.data.train_test_split(X, y, rng=np.random.default_rng(42))
    for left, right in zip(a, b):
        np.testing.assert_array_equal(left, right)


def test_one_hot_needs_memory_proportional_to_n_times_c():
    import tracemalloc
    labels = np.array([3, 19_999, 0])
    tracemalloc.start()
    out = nn.data.one_hot(labels, 20_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert out.shape == (3, 20_000) and out[1, 19_999] == 1.0 and out.sum() == 3
    assert peak < 3 * 20_000 * 8 * 3  # a C x C identity would be 3.2 GB
