def animate_backward(*a, **k):
    raise NotImplementedError
