"""`python -m signage` is the `signage` command."""

from signage.cli import main

main(prog_name="signage")
