"""Runs the real system on loopback — simulator, receiver, Redis, workers — for tests, `make demo` and
`bench/`."""
