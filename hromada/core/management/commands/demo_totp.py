import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hromada.accounts.demo import DEMO_DOMAIN


class Command(BaseCommand):
    help = "Print the current one-time code of a demo staff account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: this is a demo helper and DEBUG is off.")
        if not email.lower().endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Refused: only demo accounts (@{DEMO_DOMAIN}) are shown.")
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        secret = decrypt(authenticator.data["secret"])
        period = mfa_settings.TOTP_PERIOD
        counter = int(time.time()) // period
        left = period - int(time.time()) % period
        self.stdout.write(
            f"{format_hotp_value(hotp_value(secret, counter))}  (valid {left} s more)"
        )
