"""From what a kernel reported to a verdict per question: decoding, checks, misconceptions, the report."""
