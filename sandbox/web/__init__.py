"""The sandbox's web page: a person plays the manager and the reports in a browser.

Everything here lives outside ``/v1.0`` and needs no token: the sandbox is a local tool, and
the page only shows and changes the sandbox's own fake tenant. E-mail bodies are untrusted
(Accord's templates, or anything a test sends), so HTML mail is shown in a sandboxed iframe
where no script runs and no remote content loads.
"""
