"""factory_boy factories for the archive's models: small, valid, unpublished unless asked."""

import datetime

import factory

from archive import models
from archive.text import vn_slugify


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Province
        django_get_or_create = ["era", "code"]

    era = models.Province.Era.FROM_2025
    code = factory.Sequence(lambda n: f"{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    full_name = factory.LazyAttribute(lambda o: f"Tỉnh {o.name}")
    unit_type = models.Province.UnitType.PROVINCE
    slug = factory.LazyAttribute(lambda o: vn_slugify(f"{o.name}-{o.era}"))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agency
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    kind = models.Agency.Kind.MINISTRY
    slug = factory.LazyAttribute(lambda o: vn_slugify(o.name))


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DocumentType
        django_get_or_create = ["slug"]

    name = "Kế hoạch"
    abbreviation = "KH"
    group = models.DocumentType.Group.ADMINISTRATIVE
    slug = factory.LazyAttribute(lambda o: vn_slugify(o.name))


class DocumentFactoryMixin(factory.django.DjangoModelFactory):
    slug = factory.LazyAttribute(lambda o: vn_slugify(o.title))
    date = datetime.date(2020, 7, 30)
    status = models.Document.Status.PUBLISHED

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if create and extracted:
            self.provinces.set(extracted)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)


class PlanFactory(DocumentFactoryMixin):
    class Meta:
        model = models.Plan
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kế hoạch thử {n}")
    number = factory.Sequence(lambda n: f"{n + 1}/KH-UBND")


class ConferenceFactory(DocumentFactoryMixin):
    class Meta:
        model = models.Conference
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Hội nghị thử {n}")
    place = "Hà Nội"


class ArticleFactory(DocumentFactoryMixin):
    class Meta:
        model = models.Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bài viết thử {n}")
    publication = "Báo Quốc tế"
