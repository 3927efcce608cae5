"""The web pages: HTML served by the same Chalice app, Vietnamese first.

Every page works as plain HTML (links and form posts); `static/app.js` only
improves it. Pages call the same services as the API, so the rules are the
API's rules; the session is the same JWT the API takes, carried in an HttpOnly
cookie instead of an Authorization header.

- pages.py     what every page shares: the session, language, rendering, forms
- signin.py    sign-in (demo users locally, Cognito's hosted sign-in in AWS)
- worker.py    the initiative form, "my initiatives", notifications
- review.py    a reviewer's queue and the decisions on an initiative
- dashboard.py a leader's progress, rankings and award lists
- assets.py    the CSS and JavaScript, served by the app (no CDN)
"""
