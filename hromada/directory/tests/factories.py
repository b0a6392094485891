from datetime import time

import factory

from hromada.directory.models import Addressee, AddresseeGroup
from hromada.directory.schedules import DayHours
from hromada.directory.services import addressee_refresh_search_text, schedule_set

OFFICE_WEEK = {
    weekday: DayHours(time(8), time(17), time(12), time(12, 45)) for weekday in range(4)
} | {4: DayHours(time(8), time(15, 45), time(12), time(12, 45))}


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AddresseeGroup

    name = factory.Sequence(lambda n: f"Група {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class AddresseeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Addressee
        skip_postgeneration_save = True

    kind = Addressee.Kind.DEPARTMENT
    name = factory.Sequence(lambda n: f"Відділ № {n}")
    slug = factory.Sequence(lambda n: f"addressee-{n}")
    phones = factory.LazyFunction(lambda: ["+380 532 50 12 34"])
    emails = factory.LazyFunction(lambda: ["viddil@novoiarsk.example"])
    office_address = "вул. Соборна, 1"
    latitude = 49.1
    longitude = 33.4

    @factory.post_generation
    def search(self, create, extracted, **kwargs):
        if create:
            addressee_refresh_search_text(self)

    @factory.post_generation
    def office_hours(self, create, extracted, **kwargs):
        if create and extracted:
            schedule_set(addressee=self, week=OFFICE_WEEK)
