"""Arrays: reading and writing them (``.npy``, ``.npz``, JSON, text, CSV) and the built-in
kernels (Sobel, box, Gaussian, ...). NumPy and the standard library only.
"""
