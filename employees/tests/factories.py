import factory
from django.contrib.auth import get_user_model

from employees.models import Employee, Jenis, Jenjang, OrgUnit, Position


def valid_pns_nip(n: int) -> str:
    """A distinct, valid PNS NIP for each n (birth 1985-01-01 + n days, TMT 2010-01, male)."""
    import datetime

    birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=n // 999)
    return f"{birth:%Y%m%d}201001{1}{n % 999 + 1:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("rahasia-123")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    parent = None


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    code = factory.Sequence(lambda n: f"JAB{n:04d}")
    name = factory.Sequence(lambda n: f"Jabatan {n}")
    jenis = Jenis.FUNGSIONAL
    jenjang = Jenjang.PENYELIA


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.Sequence(valid_pns_nip)
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    unit = factory.SubFactory(OrgUnitFactory)
    position = factory.SubFactory(PositionFactory)
    user = None

    class Params:
        with_login = factory.Trait(
            user=factory.SubFactory(UserFactory, username=factory.SelfAttribute("..nip"))
        )
