"""Assignment and autograding platform for a graduate course in causal modelling for ML.

Flow: course.yml (config) -> release -> student fetch/submit -> collect ->
autograde (execution -> checks -> gradebook) -> feedback -> export.
"""
