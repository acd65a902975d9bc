"""Content across installations: signed packages, and the USB stick for places without a
network."""
