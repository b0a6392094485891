from django.core.management.base import BaseCommand

from hromada.messaging.vapid import vapid_keys_new


class Command(BaseCommand):
    help = "Print a new VAPID key pair for web push, as environment variables."

    def handle(self, *args, **options):
        public, private = vapid_keys_new()
        self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={private}")
