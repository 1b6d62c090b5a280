"""``python -m corridor`` runs the command-line tool."""

from corridor.cli import main

main()
