"""A partner's webhook receiver on loopback: it checks each delivery's signature the way the
documentation tells partners to, and answers with the statuses a test queues up."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hromada.integrations.webhooks import SIGNATURE_HEADER, verify


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, secret: str):
        super().__init__(("127.0.0.1", 0), Handler)
        self.secret = secret
        self.received: list[dict] = []
        self.statuses: list[int] = []  # answered in order; 200 once they run out
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/hromada"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        valid = verify(self.server.secret, body, self.headers.get(SIGNATURE_HEADER, ""))
        self.server.received.append(
            {"valid": valid, "headers": dict(self.headers), "body": json.loads(body)}
        )
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        if not valid:
            status = 401
        self.send_response(status)
        reply = json.dumps({"ok": 200 <= status < 300, "signature": valid}).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass
