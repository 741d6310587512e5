"""Writing a script's output files: atomically (common.atomic_write), with the permissions any
other file the user creates would get. atomic_write's temporary file comes from mkstemp, which
makes it 0600, and os.replace keeps that mode: a figure or table only its owner can read."""
import os

from lpusimtools.common import atomic_write


def write_output(path, data):
    atomic_write(path, data)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
