import sys

from keyconf.cli.main import main

sys.exit(main())
