"""Building a homework's notebooks from its files, and holding a homework to its declared contract."""
