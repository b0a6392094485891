"""Read late bounces (RFC 3464 delivery status notifications) and fail their deliveries.

From standard input, one message, as a Postfix ``pipe`` transport hands it over:

    manage.py read_bounce < dsn.eml

or every new message of a Maildir folder (each is moved to ``cur`` and marked seen once
read, so a second run skips it):

    manage.py read_bounce --maildir /var/mail/hromada-bounces

Anything that is not a bounce of one of our e-mails is read and ignored (exit 0): the mail
server must not send it back. A database that cannot be reached exits 75 (EX_TEMPFAIL), which
tells Postfix to try the message again later.
"""

import mailbox
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from hromada.messaging.bounces import bounces_read
from hromada.messaging.services import delivery_bounced

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read a bounce (RFC 3464) from stdin, or a Maildir's new messages, and fail the e-mails."

    def add_arguments(self, parser):
        parser.add_argument("--maildir", help="Read every new message of this Maildir folder.")

    def handle(self, *args, maildir: str | None = None, **options):
        try:
            failed = self._maildir(maildir) if maildir else self._one(sys.stdin.buffer.read())
        except DatabaseError as exc:
            self.stderr.write(f"database unavailable, try again later: {exc}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"{failed} deliveries marked bounced")

    @staticmethod
    def _one(raw: bytes) -> int:
        return sum(
            delivery_bounced(delivery_id=b.delivery_id, address=b.address, reason=b.reason)
            for b in bounces_read(raw)
        )

    def _maildir(self, path: str) -> int:
        folder = mailbox.Maildir(path, create=False)
        failed = 0
        for key in list(folder.iterkeys()):
            message = folder[key]
            if message.get_subdir() != "new":
                continue
            failed += self._one(message.as_bytes())
            message.set_subdir("cur")
            message.add_flag("S")
            folder[key] = message
        return failed
