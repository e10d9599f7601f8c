"""A small but real SMTP server on 127.0.0.1 for tests: it speaks enough of
RFC 5321 for smtplib (Django's SMTP backend), keeps what it accepts, and can
refuse chosen recipients for their first N attempts."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from collections import Counter


class SMTPHandler(socketserver.StreamRequestHandler):
    server: TinySMTPServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 localhost ESMTP test")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>").split(">")[0]
                if self.server.refuses(address):
                    self.reply("550 5.2.1 Mailbox unavailable")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                self.server.accept(recipients, data)
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")


class TinySMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.port = self.server_address[1]
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refusals: Counter[str] = Counter()
        self.refuse_first: dict[str, int] = {}

    def refuses(self, address: str) -> bool:
        with self.lock:
            if self.refusals[address] < self.refuse_first.get(address, 0):
                self.refusals[address] += 1
                return True
            return False

    def accept(self, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self.lock:
            self.messages.append((recipients, message))

    def received_by(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [message for to, message in self.messages if address in to]

    def __enter__(self) -> TinySMTPServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
