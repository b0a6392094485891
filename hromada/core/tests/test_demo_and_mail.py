import email
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command

from hromada.accounts.models import User
from hromada.core.mail import EmlFileBackend
from hromada.core.models import District

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_a_second_run_duplicates_nothing(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_data", stdout=out)
    counts = (User.objects.count(), District.objects.count(), Group.objects.count())
    call_command("demo_data", stdout=StringIO())
    assert (User.objects.count(), District.objects.count(), Group.objects.count()) == counts
    assert counts[0] >= 6 and counts[1] >= 6
    printed = out.getvalue()
    assert "hromada-demo-2026" in printed and "operator@novoiarsk.example" in printed
    roles = {role for user in User.objects.all() for role in user.roles}
    assert roles == {"operator", "executor", "moderator", "administrator", "anticorruption"}


def test_demo_data_is_never_created_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=StringIO())
    assert not User.objects.exists()


def test_development_mail_is_an_eml_file_a_person_can_open(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path
    message = EmailMessage("Підтвердіть адресу", "Вітаємо у Новоярську", to=["a@example.com"])
    assert EmlFileBackend().send_messages([message]) == 1
    [written] = tmp_path.glob("*.eml")
    parsed = email.message_from_bytes(written.read_bytes())
    assert str(email.header.make_header(email.header.decode_header(parsed["Subject"]))) == (
        "Підтвердіть адресу"
    )
    assert "Вітаємо у Новоярську" in parsed.get_payload(decode=True).decode()
