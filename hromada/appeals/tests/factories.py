"""Appeals for tests: built through the real service, so numbers, deadlines and events hold."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.appeals.models import Category, Kind
from hromada.appeals.services import appeal_submit
from hromada.core.services import district_upsert
from hromada.directory.models import Membership
from hromada.directory.tests.factories import AddresseeFactory

# A district around (50.0, 30.0): points inside it are "in the community".
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[29.9, 49.9], [30.1, 49.9], [30.1, 50.1], [29.9, 50.1], [29.9, 49.9]]],
}
INSIDE = {"latitude": 50.0, "longitude": 30.0}
OUTSIDE = {"latitude": 48.0, "longitude": 35.0}


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Категорія {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


def district(slug: str = "centre"):
    return district_upsert(slug=slug, name=slug.title(), kind="city_district", boundary=SQUARE)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def staff_of(addressee, *, responsible=False, roles=(Role.EXECUTOR,)):
    user = UserFactory(roles=list(roles))
    Membership.objects.create(addressee=addressee, user=user, is_responsible=responsible)
    return user


def submit(author=None, **fields):
    """An appeal accepted from ``author`` (a new resident by default)."""
    author = author or UserFactory()
    fields.setdefault("kind", Kind.APPLICATION)
    fields.setdefault("subject", "Не працює ліхтар")
    fields.setdefault("text", "Біля будинку 5 на вулиці Шевченка третій тиждень темно.")
    if "addressee" not in fields:
        fields["addressee"] = AddresseeFactory()
    return appeal_submit(actor=author, **fields)


def owed(appeal=None, template: str = "", **filters):
    """The e-mails owed about appeals (deliveries of the messaging layer); ``address`` is the
    recipient, ``message.template`` is ``appeals.<template>``."""
    from hromada.messaging.tests.factories import emails_owed

    source = f"appeals.appeal:{appeal.pk}" if appeal is not None else ""
    return emails_owed(prefix="appeals", source=source, template=template, **filters)


def owed_template(delivery) -> str:
    return delivery.message.template.removeprefix("appeals.")
