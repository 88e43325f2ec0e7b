"""course.yml as typed objects, and what the course state folder holds."""
