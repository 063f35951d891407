import sys

from cx.cli import main

sys.exit(main())
