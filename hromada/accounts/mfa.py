"""Second-factor secrets are encrypted in the database (Fernet, key derived from settings)."""

import base64
import binascii
import hashlib
import logging

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

logger = logging.getLogger(__name__)


def _fernet() -> Fernet:
    # MFA_ENCRYPTION_KEY lets an installation rotate SECRET_KEY without losing every
    # authenticator; by default the key is derived from SECRET_KEY.
    source = settings.MFA_ENCRYPTION_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"hromada-mfa:{source}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _is_base32(text: str) -> bool:
    try:
        base64.b32decode(text, casefold=True)
    except (binascii.Error, ValueError):
        return False
    return True


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            if _is_base32(encrypted_text):
                return encrypted_text  # a TOTP secret stored before encryption was added
            # Encrypted under another key: no code the person types can match, and they are
            # told so, instead of the page failing.
            logger.error("an MFA secret could not be decrypted; was MFA_ENCRYPTION_KEY changed?")
            return generate_totp_secret()
