import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.partners.models import Agreement, Partner, PartnerContact, PartnerType, SlspPartner
from tests.factories import SlspFactory


def pdf_bytes(text: str = "Convention") -> bytes:
    """A small valid one-page PDF made by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="convention.pdf", content=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Service partenaire {n}")
    type = PartnerType.ASSOCIATION
    commune = "Namur"
    communes_served = factory.LazyFunction(lambda: ["Namur"])


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    function = "Assistante sociale"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class SlspPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlspPartner

    slsp = factory.SubFactory(SlspFactory)
    partner = factory.SubFactory(PartnerFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    slsp = factory.SubFactory(SlspFactory)
    partner = factory.SubFactory(PartnerFactory)
    purpose = factory.Sequence(lambda n: f"Orientation des locataires {n}")
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=300))
    shares_data = False
