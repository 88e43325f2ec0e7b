"""The `course` command: thin commands over the pipeline, what they print, and the demo."""
