"""The one way report-service's views reach the container that `bootstrap` built for this app."""

from __future__ import annotations

from typing import cast

from flask import current_app

from report_service.service_layer.services import Services


def container() -> Services:
    """This app's container (`bootstrap.Container`), typed by what the views may use of it."""
    return cast(Services, current_app.extensions["naskah"])
