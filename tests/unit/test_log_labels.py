"""Issue 13 #13: in one process running all three services, each log line names the service that wrote it."""

from __future__ import annotations

import io
import json
import logging

from naskah_shared import logs
from report_service.app import create_app as report_app
from sk_service.app import create_app as sk_app


def test_each_request_and_each_package_logs_under_its_own_service(tmp_path) -> None:
    apps = {"sk-service": sk_app({"service": "sk-service", "database_url": f"sqlite:///{tmp_path}/sk.db",
                                  "store_url": f"file://{tmp_path}/store", "log_level": "INFO"}, migrate=True),
            "report-service": report_app({"service": "report-service", "database_url": f"sqlite:///{tmp_path}/r.db",
                                          "store_url": f"file://{tmp_path}/store", "log_level": "INFO"},
                                         migrate=True)}
    # As in the embedded run: the last app configured the process's logging (report-service).
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_naskah", False))
    handler.setStream(stream)
    try:
        for name, app in apps.items():
            app.test_client().get("/api/does-not-exist", headers={"X-Request-ID": f"req-{name}"})
        logging.getLogger("sk_service.service_layer.surat_edaran").warning("from a consumer thread")
        logging.getLogger("signature_service.adapters.pades").warning("from a signing thread")
    finally:
        handler.setStream(__import__("sys").stderr)
        for app in apps.values():
            app.extensions["naskah"].close()
    lines = [json.loads(x) for x in stream.getvalue().splitlines() if x.startswith("{")]
    by_request = {x["correlation_id"]: x["service"] for x in lines if x.get("logger") == "naskah.http"}
    assert by_request == {"req-sk-service": "sk-service", "req-report-service": "report-service"}
    by_msg = {x["msg"]: x["service"] for x in lines}
    assert by_msg["from a consumer thread"] == "sk-service"
    assert by_msg["from a signing thread"] == "signature-service"
    assert logs.service_name.get() == ""  # a request's label does not outlive it
