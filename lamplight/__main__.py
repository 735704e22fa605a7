"""``python -m lamplight``: the same command line as the ``lamplight`` script and the checkout's ``main.py``."""

import sys

from lamplight.cli import main

sys.exit(main(prog="python -m lamplight"))
