"""`python -m signage` is the `signage` command."""

from signage.cli.main import main

main(prog_name="signage")
