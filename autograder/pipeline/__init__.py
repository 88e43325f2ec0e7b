"""The course's steps, in the order a term runs them: release, fetch/validate/submit, collect, autograde, feedback, export, stats; and the instructor's check-solutions and calibrate."""
