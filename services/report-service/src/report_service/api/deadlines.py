"""/api/overdue: SOP steps past their mutu baku, or due within the hour, per activity and across them."""

from __future__ import annotations

from datetime import timedelta

from flask_smorest import Blueprint

from report_service.api.container import container
from report_service.api.schemas import DueQuerySchema, DueStepSchema

blp = Blueprint("deadlines", __name__, url_prefix="/api",
                description="Deadlines: each SOP step's mutu baku counted in the office's working calendar")


def _deadlines():
    return container().deadlines


@blp.route("/overdue", methods=["GET"])
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, DueStepSchema(many=True))
def overdue_all(query):
    """Steps overdue or falling due soon in every open activity (the newest 500), the most pressing first.

    A step is due at its mutu baku counted from its start (or, not recorded yet, from the end of the
    step before it) in the office's working hours, working days and holidays.
    """
    return _deadlines().due(within=timedelta(minutes=query["within_minutes"]))


@blp.route("/activities/<activity_id>/overdue", methods=["GET"])
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, DueStepSchema(many=True))
def overdue_of(query, activity_id: str):
    """This activity's steps overdue or falling due soon; 404 for an unknown activity."""
    return _deadlines().due(activity_id, within=timedelta(minutes=query["within_minutes"]))
