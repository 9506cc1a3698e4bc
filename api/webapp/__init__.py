"""The web app at ``/app``: server-rendered pages over the same workflows as the REST API.

Routes live in ``api/routers/app_*.py``; this package holds what they share: the session
cookie and its CSRF token (:mod:`api.webapp.session`), page rendering with its
Content-Security-Policy (:mod:`api.webapp.render`), and the words and groups a page shows
(:mod:`api.webapp.views`).
"""
