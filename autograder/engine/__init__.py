"""Running one untrusted notebook: the sandbox, the kernel, the jobs a worker runs, the pools."""
