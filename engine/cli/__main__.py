"""`python -m engine.cli`: the headless commands only (no app, no `keys`), as `python -m engine`."""

import sys

from engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
