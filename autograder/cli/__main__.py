"""`python -m autograder.cli`: the same as the `course` command."""
import sys

from autograder.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
