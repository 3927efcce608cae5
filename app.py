"""Wiring only: the Chalice app and its blueprints. The code is in chalicelib/."""
from chalice import Chalice

from chalicelib import queues, schedules, settings, streams
from chalicelib.api import awards, health, http, me, reference, reports, review, similar, stats, submissions
from chalicelib.web import assets, dashboard, deadlines, drilldown, fallback, invitations, showcase, signin, worker
from chalicelib.web import reports as report_pages
from chalicelib.web import review as review_pages

app = Chalice(app_name="sangkien")
app.register_middleware(http.error_shape_middleware, "http")

app.register_blueprint(health.bp)
app.register_blueprint(reference.bp)
app.register_blueprint(submissions.bp)
app.register_blueprint(review.bp)
app.register_blueprint(me.bp)
app.register_blueprint(stats.bp)
app.register_blueprint(awards.bp)
app.register_blueprint(reports.bp)
app.register_blueprint(similar.bp)
app.register_blueprint(schedules.bp)
app.register_blueprint(streams.bp)
app.register_blueprint(queues.bp)

# The web pages, under /app/.
app.register_blueprint(signin.bp)
app.register_blueprint(assets.bp)
app.register_blueprint(worker.bp)
app.register_blueprint(invitations.bp)
app.register_blueprint(review_pages.bp)
app.register_blueprint(dashboard.bp)
app.register_blueprint(report_pages.bp)
app.register_blueprint(deadlines.bp)
app.register_blueprint(drilldown.bp)
app.register_blueprint(showcase.bp)

# Every URL no route above takes: a 404 in our shape, never API Gateway's own 403.
app.register_blueprint(fallback.bp)

if settings.is_local():
    from chalicelib.api import dev

    dev.use_jobs(schedules.JOBS)
    app.register_blueprint(dev.bp)
    fallback.route_unknown_urls_locally()
