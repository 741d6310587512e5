#!/usr/bin/python3
# Regenerates the small .npy files tests/unit/test_npy_reader.cpp reads: written by numpy itself,
# so the reader is checked against the real producer, not only against our own writer. The
# values are fixed (the test hard-codes them); rerunning gives byte-identical files for a given
# numpy. Usage: /usr/bin/python3 make_npy.py  (writes next to this script)
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def save(name, array, version=None):
    with open(os.path.join(here, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=False)


save("int8_3x4.npy", np.arange(-6, 6, dtype=np.int8).reshape(3, 4))
save("uint8_6.npy", np.array([0, 1, 127, 128, 254, 255], dtype=np.uint8))
save("int16_2x3.npy", np.array([[-32768, -1, 0], [1, 2, 32767]], dtype=np.int16))
save("int32_2x2x2.npy", np.array([-2**31, -1, 0, 1, 2, 3, 4, 2**31 - 1], dtype=np.int32).reshape(2, 2, 2))
save("int64_3.npy", np.array([-2**63, 0, 2**63 - 1], dtype=np.int64))
save("float16_4.npy", np.array([0.5, -2.0, 65504.0, 1.0 / 3.0], dtype=np.float16))
save("float32_2x2.npy", np.array([[1.5, -0.25], [3.0e38, 1.0e-45]], dtype=np.float32))
save("int32_v2.npy", np.arange(5, dtype=np.int32), version=(2, 0))
save("int32_scalar.npy", np.array(42, dtype=np.int32))
save("int16_0x3.npy", np.zeros((0, 3), dtype=np.int16))
# Files numpy writes that the reader must refuse.
save("fortran_int8_2x3.npy", np.asfortranarray(np.arange(6, dtype=np.int8).reshape(2, 3)))
save("bigendian_int32.npy", np.arange(4, dtype=">i4"))
save("float64_3.npy", np.arange(3, dtype=np.float64))
