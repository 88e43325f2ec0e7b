"""Our steps in nbgrader's chains (sanitize, execute and grade, record, feedback pages) and the nbgrader config that runs them."""
