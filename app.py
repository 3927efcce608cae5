"""Wiring only: the Chalice app and its blueprints. The code is in chalicelib/."""
from chalice import Chalice

from chalicelib import settings, streams
from chalicelib.api import health, http, reference, review, submissions

app = Chalice(app_name="sangkien")
app.register_middleware(http.error_shape_middleware, "http")

app.register_blueprint(health.bp)
app.register_blueprint(reference.bp)
app.register_blueprint(submissions.bp)
app.register_blueprint(review.bp)
app.register_blueprint(streams.bp)

if settings.is_local():
    from chalicelib.api import dev

    app.register_blueprint(dev.bp)
