"""`python -m tui`: the same as the `partner-dash` console script."""

import sys

from tui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
