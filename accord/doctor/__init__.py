"""``accord doctor``: checks of a configured deployment, each saying what to fix.

One module per group of checks (Graph, the webhook, Teams, Temporal, the keys); each check
takes explicit arguments and returns a :class:`~accord.doctor.results.CheckResult`.
accord/doctor/run.py builds those arguments from the settings.
"""
