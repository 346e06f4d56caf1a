"""`python -m engine`: the headless commands only (no app, no `keys`)."""

import sys

from engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
