"""Numeric floors shared by the homeworks: slack that is not sampling noise.

A band is z * se + delta; delta covers what separates an exact answer from the
truth without being a mistake, and is added to every band that needs it.
"""

# The grader hands exact inputs to a student's function; float32 arithmetic (Pyro's
# and torch's default dtype) alone separates an exact answer from the truth by
# far less than this.
FLOAT32_FLOOR = 1e-6

# Values typed in as decimals rounded to three places (the content brief's rounded
# CPTs, 0.471 for 0.4706...) are off by at most half a unit in the third decimal.
ROUNDING_3DP = 5e-4
