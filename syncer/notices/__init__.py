"""Notices to people (DESIGN §8): who is told what after a cycle, on which channel, once."""
