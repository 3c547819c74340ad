"""Matplotlib pictures the notebooks share, one module per topic.

- :mod:`mynn.plots.mnist`: digits, confusion matrices, experiment sweeps
- :mod:`mynn.plots.images`: a photo prepared step by step, naive against MNIST-style loading
- :mod:`mynn.plots.convolution`: kernels moving over inputs, transposed convolutions, GIFs
- :mod:`mynn.plots.games`: the x·y saddle, orbits of the update rules, growth factors
- :mod:`mynn.plots.inside`: back-query images, hidden nodes' weights, accuracy by rotation
- :mod:`mynn.plots.altimetry`: radar waveforms, retracker fits, a simulated pass
- :mod:`mynn.plots.gan`: sample grids, loss curves, seed interpolation strips

Naming: ``plot_*`` makes a new figure and returns the ``Figure``; ``draw_*`` draws into an
Axes and returns it (:mod:`mynn.plots.mnist` follows this; older names stay as aliases).
"""
