"""Real peers on loopback for the delivery tests: an SMTP server (aiosmtpd) that keeps what
it receives and refuses the addresses it is told to, and an HTTP server that stands in for
the Telegram Bot API or a push service, records each request and answers as scripted."""

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class SMTPSink:
    """aiosmtpd handler: ``messages`` holds (envelope recipients, parsed message);
    ``connections`` counts the SMTP sessions opened; ``hang_up_at`` holds the numbers of the
    MAIL commands (1, 2, …) at which the server drops the connection without a reply."""

    def __init__(self):
        self.messages = []
        self.refuse: dict[str, str] = {}  # address -> "550 ..." reply
        self.connections = 0
        self.mails = 0
        self.hang_up_at: set[int] = set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        if self.mails in self.hang_up_at:
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def _free_port() -> int:
    # aiosmtpd connects to its own port to check it started, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _CountingSMTP(SMTP):
    def connection_made(self, transport):
        self.event_handler.connections += 1
        super().connection_made(transport)


class _CountingController(Controller):
    def factory(self):
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


class SMTPServer:
    def __init__(self):
        self.sink = SMTPSink()
        self.controller = _CountingController(self.sink, hostname="127.0.0.1", port=_free_port())

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self):
        return self.sink.messages


class HTTPPeer(ThreadingHTTPServer):
    """Records every request as (method, path, headers in lower case, body bytes);
    ``answers`` maps a path ending to (status, JSON body); anything else answers 200 ok."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, dict, bytes]] = []
        self.answers: dict[str, tuple[int, dict]] = {}
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    def json_bodies(self, ending: str) -> list[dict]:
        return [json.loads(b) for _m, p, _h, b in self.requests if p.endswith(ending)]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.requests.append(
            ("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        status, answer = next(
            (v for k, v in self.server.answers.items() if self.path.endswith(k)),
            (200, {"ok": True, "result": {}}),
        )
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
