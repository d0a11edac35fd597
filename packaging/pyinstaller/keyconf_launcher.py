"""The frozen app's entry point: the same `main` as the `keyconf` console script."""

import sys

from keyconf.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
