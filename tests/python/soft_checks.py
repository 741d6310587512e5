"""Checks that record a failure and go on, so one run of a test script reports every failure:
`check(ok, what)` prints `FAIL what` and keeps it in `failures`; the script exits 1 if any."""
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL {what}")
    return ok
