"""`python -m chatguard` runs the command-line tool."""

from chatguard.cli import main

main()
