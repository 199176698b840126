"""`python -m indicators …`: the documented entry point. The command line itself lives at the
edge (commands/cli.py); this file is the one place the core's package hands over to it (declared
as such in the import-linter contract, .importlinter)."""
import sys

from commands.cli import main

sys.exit(main())
