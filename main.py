"""The checkout's entry point, the same command line as the installed ``lamplight`` (see lamplight/cli.py)."""

import sys

from lamplight.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="main.py"))
