"""The hearing board (开庭公告): lists from the case system, kept per date, masked on output."""
