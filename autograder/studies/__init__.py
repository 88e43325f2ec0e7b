"""Facts of the course's studies that more than one homework grades against."""
