"""The archive: places, agencies and GCM objectives, and the documents that link them.

Articles, plans and conferences share one concrete `Document` table (multi-table inheritance) so
they are listed, filtered and later searched together; each subclass adds only its own fields.
Every model has a natural key so the fixtures load into a database that already holds data.
"""

import datetime
from urllib.parse import urlencode

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import (
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Greatest, Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import periods, search, synonyms
from .numbers import (
    ISSUER_ABBREVIATIONS,
    YEARS,
    DocumentNumberError,
    normalize_number,
    parse_number,
)
from .text import WORD, fold, nfc, strip_controls

# The 63 provinces became 34 on this day (Nghị quyết 202/2025/QH15, operative from 1/7/2025).
MERGER_DATE = datetime.date(2025, 7, 1)
SEARCH_INDEX = "document_search_vector"  # the GIN index of Document.search_vector
# Names in Vietnamese order, near enough without an ICU collation (the embedded PostgreSQL has
# none): "Cà Mau" before "Cao Bằng", "Đắk Lắk" among the D's, not after "Yên Bái" as bytes sort.
BY_NAME = [Lower(Unaccent("name")), "name"]


class NaturalKeyManager(models.Manager):
    """A manager whose get_by_natural_key() looks up the model's `natural_key_fields`."""

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.natural_key_fields, values, strict=True)))


class NfcTextMixin:
    """Store every text field in Unicode NFC, so "Hoà" typed on any keyboard is one spelling."""

    def normalize_text(self):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, nfc(strip_controls(value)))

    def clean_fields(self, exclude=None):
        # As it will be stored: a title of invisible characters only («\u200b») is empty, and
        # refused as such, not saved as one no page can show.
        self.normalize_text()
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.normalize_text()
        super().save(*args, **kwargs)


def numbers_as_tokens(column):
    """Return a text column as the search vector's parser should read it: with Đ and đ spelled
    D and d, and an ordinal below 10 with its leading zero ("5/KH-UBND" as 05/KH-UBND).

    PostgreSQL's parser reads an ASCII number as one token ("1378/bng-ls"), but breaks one
    holding a non-ASCII letter into pieces ("402/QĐ-TTg" gave "402/q", "đ-ttg"): a text citing
    402/QĐ-TTg or 30/2020/NĐ-CP was not found by that number, which the query spells folded
    ("402/qd-ttg"). Đ is the one such letter of the abbreviations (QĐ, NĐ, LĐTBXH, KHĐT);
    words come out as before, the configuration folding đ to d anyway. Nghị định 30/2020/NĐ-CP
    writes a number below 10 "05/...", which texts often drop: padded here, in what has the
    shape of a number (5/KH-UBND, 5/2020/ND-CP, 5-NQ/TW; not 5/3/2020 nor 2/2021), the query
    needs only the decree's form (numbers.canonical_ordinal).
    """
    folded = Func(
        F(column), Value("Đđ"), Value("Dd"), function="translate", output_field=models.TextField()
    )
    return Func(
        folded,
        Value(r"(^|[^0-9/.,])([0-9])(?=/[0-9]{4}/[A-Za-z]|/[A-Za-z]|-[A-Za-z]+/)"),
        Value(r"\10\2"),  # \1, then 0, then \2: back-references go to \9
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


class ProvinceManager(NaturalKeyManager):
    """Provinces, each old unit that continues unchanged as a unit of today naming it."""

    def get_queryset(self):
        units = self.model._base_manager
        # Lạng Sơn before 2025 is Lạng Sơn now, alone: the same name, its successor's only
        # predecessor. Cần Thơ before 2025 is not: today's Cần Thơ took in two more.
        successor = units.filter(pk=OuterRef("merged_into"), name=OuterRef("name"))
        shared = Exists(
            units.filter(merged_into=OuterRef("merged_into")).exclude(pk=OuterRef("pk"))
        )
        continued_as = Case(
            When(~shared, then=Subquery(successor.values("slug")[:1])),
            output_field=models.CharField(),
        )
        return super().get_queryset().annotate(continued_as=continued_as)


class Province(NfcTextMixin, models.Model):
    """A province-level unit of one era: the 63 before 1 July 2025 or the 34 after it.

    Official codes repeat across eras (24 was Bắc Giang, is now Bắc Ninh), so a unit is identified
    by (era, code), and its slug carries the era for the units that no longer exist.
    """

    class Era(models.TextChoices):
        BEFORE_2025 = "63", _("63 tỉnh, thành phố (trước 1/7/2025)")
        FROM_2025 = "34", _("34 tỉnh, thành phố (từ 1/7/2025)")

    class UnitType(models.TextChoices):
        PROVINCE = "tinh", _("Tỉnh")
        CITY = "thanh_pho", _("Thành phố trực thuộc trung ương")

    era = models.CharField(_("thời kỳ"), max_length=2, choices=Era.choices)
    code = models.CharField(
        _("mã"), max_length=2, help_text=_("Mã đơn vị hành chính cấp tỉnh, ví dụ 92.")
    )
    name = models.CharField(_("tên"), max_length=100)
    full_name = models.CharField(_("tên đầy đủ"), max_length=120)
    unit_type = models.CharField(_("loại đơn vị"), max_length=10, choices=UnitType.choices)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=120,
        unique=True,
        error_messages={"unique": _("Đã có tỉnh, thành phố khác dùng đường dẫn này.")},
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        limit_choices_to={"era": Era.FROM_2025},
        help_text=_("Đơn vị hành chính mới kế thừa đơn vị này từ 1/7/2025."),
    )

    natural_key_fields = ("era", "code")
    objects = ProvinceManager()

    class Meta:
        ordering = ["-era", "name"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = pgettext_lazy("plural", "tỉnh, thành phố")
        constraints = [
            models.UniqueConstraint(fields=["era", "code"], name="province_unique_code_per_era"),
            models.CheckConstraint(
                condition=Q(era="63") | Q(merged_into__isnull=True),
                name="province_only_old_units_merge",
            ),
        ]

    def __str__(self):
        if self.era == self.Era.BEFORE_2025:
            return _("%(name)s (trước 2025)") % {"name": self.name}
        return self.name

    @property
    def titled(self):
        """Return the unit's full name in the page's language: «Tỉnh Hậu Giang» as entered,
        «Hậu Giang Province» in English, whose pages kept the Vietnamese."""
        if get_language() == "vi":
            return self.full_name
        if self.unit_type == self.UnitType.CITY:
            return _("Thành phố %(name)s") % {"name": self.name}
        return _("Tỉnh %(name)s") % {"name": self.name}

    @property
    def shown(self):
        """Return the name the site's pages give the unit: an old unit that continues unchanged
        (Lạng Sơn) as it is named today, without «(trước 2025)», which read as a unit that no
        longer exists, beside the search's facet naming it «Lạng Sơn». The admin keeps the era
        (__str__): both units are there to choose from."""
        return self.name if self.continues else str(self)

    @property
    def continues(self):
        """Return whether this old unit is a unit of today unchanged (ProvinceManager); False
        for a unit not read through it (Province(...), a select_related of another model)."""
        return bool(getattr(self, "continued_as", None))

    @property
    def page_slug(self):
        """Return the slug of the page a tag of this unit opens: today's unit for an old one
        that continues unchanged (the old page is headed «trước 1/7/2025»)."""
        return getattr(self, "continued_as", None) or self.slug

    def natural_key(self):
        return (self.era, self.code)

    @property
    def is_current(self):
        return self.era == self.Era.FROM_2025


class Agency(NfcTextMixin, models.Model):
    """A body that issues, organises or takes part: ministry, department, province body, IO."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Chính phủ, Thủ tướng, Quốc hội")
        MINISTRY = "ministry", _("Bộ, cơ quan ngang bộ")
        DEPARTMENT = "department", _("Cục, vụ, đơn vị thuộc bộ")
        PROVINCIAL = "provincial", _("Cơ quan cấp tỉnh")
        PARTY = "party", _("Cơ quan Đảng")
        MASS_ORGANISATION = "mass_org", _("Tổ chức chính trị - xã hội")
        INTERNATIONAL = "international", _("Tổ chức quốc tế")
        FOREIGN = "foreign", _("Cơ quan nước ngoài")

    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    abbreviation = models.CharField(
        _("tên viết tắt"),
        max_length=30,
        blank=True,
        help_text=_("Như trong ký hiệu văn bản: BNG, BCA, TTg, UBND, SNgV; hoặc IOM, ILO."),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=200,
        unique=True,
        # A name typed with the other tone placement gives the same slug ("Uỷ ban … Hoà Bình").
        error_messages={
            "unique": _(
                "Đã có cơ quan, tổ chức khác dùng đường dẫn này: có thể cơ quan này đã có "
                "trong danh mục (hãy tìm theo tên); nếu không, hãy sửa đường dẫn."
            )
        },
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text=_("Với cơ quan cấp tỉnh: tỉnh, thành phố của cơ quan."),
    )

    natural_key_fields = ("slug",)
    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = pgettext_lazy("plural", "cơ quan, tổ chức")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        """Refuse a second entry of an agency under another spelling ("UBND tỉnh Hoà Bình" for
        "Ủy ban nhân dân tỉnh Hòa Bình"): a different slug let it in, and the facets then
        counted one body's documents under two names."""
        super().clean()
        key = synonyms.written_whole(self.name or "")
        others = Agency.objects.exclude(pk=self.pk).only("name")
        if twin := next((a for a in others if synonyms.written_whole(a.name) == key), None):
            raise ValidationError(
                {"name": _("Đã có cơ quan «%(name)s» trong danh mục.") % {"name": twin.name}}
            )

    @property
    def short_name(self):
        """Return the abbreviation, with the province's name when there is one ("UBND" is
        every province's committee: "UBND Hậu Giang"); the name when there is no abbreviation."""
        if not self.abbreviation:
            return self.name
        return (
            f"{self.abbreviation} {self.province.name}" if self.province_id else self.abbreviation
        )


class GcmObjective(NfcTextMixin, models.Model):
    """One of the 23 objectives of the Global Compact for Migration (A/RES/73/195)."""

    number = models.PositiveSmallIntegerField(_("số"), unique=True)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=300)
    short_label_en = models.CharField(_("tên ngắn tiếng Anh"), max_length=100)
    title_vi = models.CharField(_("tên tiếng Việt"), max_length=300)
    title_vi_official = models.BooleanField(
        _("bản dịch chính thức"),
        default=False,
        help_text=_("Bỏ chọn khi tên tiếng Việt là bản dịch làm việc, không chính thức."),
    )

    natural_key_fields = ("number",)
    objects = NaturalKeyManager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("mục tiêu GCM")
        verbose_name_plural = pgettext_lazy("plural", "mục tiêu GCM")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=23), name="gcm_objective_number_1_to_23"
            ),
        ]

    def __str__(self):
        return _("Mục tiêu %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    @property
    def title(self):
        """Return the objective's name in the page's language (the UN's own in English)."""
        return self.title_en if get_language() == "en" else self.title_vi

    @property
    def unofficial(self):
        """Return whether the name shown is a working translation, not an official one."""
        return not self.title_vi_official and get_language() != "en"

    def natural_key(self):
        return (self.number,)


class DocumentType(NfcTextMixin, models.Model):
    """A type of administrative or legal document (Kế hoạch, Quyết định, Công văn...)."""

    class Group(models.TextChoices):
        ADMINISTRATIVE = "hanh_chinh", _("Văn bản hành chính")
        LEGAL = "qppl", _("Văn bản quy phạm pháp luật")
        COPY = "ban_sao", _("Bản sao")
        CONSOLIDATED = "hop_nhat", _("Văn bản hợp nhất")
        PARTY = "dang", _("Văn bản của Đảng")

    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100, blank=True)
    abbreviation = models.CharField(
        _("chữ viết tắt"),
        max_length=10,
        blank=True,
        help_text=_("Theo Phụ lục III Nghị định 30/2020/NĐ-CP; để trống với công văn, luật."),
    )
    group = models.CharField(_("nhóm"), max_length=12, choices=Group.choices)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("Đã có loại văn bản khác dùng đường dẫn này.")},
    )

    natural_key_fields = ("slug",)
    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = pgettext_lazy("plural", "loại văn bản")

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @property
    def label(self):
        """Return the type's name in the page's language: a common noun ("Kế hoạch" is a Plan),
        unlike an agency's or a province's name, which stays the official one."""
        return self.name_en if get_language() == "en" and self.name_en else self.name

    def natural_key(self):
        return (self.slug,)


def facet_array(verbose_name):
    """Return an array of ids that only the database's triggers write (migration 0004)."""
    return ArrayField(
        models.BigIntegerField(), default=list, editable=False, verbose_name=verbose_name
    )


# A title's words folded as the search vector folds them: what the suggestion box looks in. Not a
# stored column: the index (Document.Meta) holds it, and a match needs no recheck.
TITLE_WORDS = SearchVector("title", config=search.CONFIG)

# A title in lower case without diacritics, as the closest titles are compared (close_to()).
# archive_fold() is unaccent(lower()) declared immutable (migration 0023), so that an index can
# hold it: unaccent() is only stable, its rules being a file that could change (it would then
# need a REINDEX).
FOLDED_TITLE = Func(F("title"), function="archive_fold", output_field=models.TextField())


class DocumentQuerySet(models.QuerySet):
    def published(self):
        """Return the documents anyone may see."""
        return self.filter(status=Document.Status.PUBLISHED)

    def visible_to(self, user):
        """Return what this user may see: everything for staff, published documents otherwise."""
        return self if user.is_staff else self.published()

    # Each order ends with the primary key: a total order, so a page is the same page every
    # time, and a snapshot's ids merge with changed documents' (archive/snapshots.py).
    def latest_first(self):
        return self.order_by(models.F("date").desc(nulls_last=True), "-created_at", "-pk")

    def oldest_first(self):
        return self.order_by(models.F("date").asc(nulls_last=True), "created_at", "pk")

    def newest_entered(self):
        """Order by when the documents entered the archive, newest first (a search's feed)."""
        return self.order_by("-created_at", "-pk")

    def search(self, query):
        """Return the documents matching a query (text or ParsedQuery), with its rank aliased.

        An empty query matches everything: browsing is searching for nothing.
        """
        if not isinstance(query, search.ParsedQuery):
            query = search.parse_query(query)
        if query.is_empty:
            return self.alias(rank=Value(0.0))
        return self.filter(search.match_condition(query)).alias(rank=search.rank_expression(query))

    def numbers_of(self, condition, limit):
        """Return the numbers of the published documents matching a condition, normalised,
        each once, in order, up to `limit` (search: the numbers of the letters "CV 1378"
        names, which a text cites)."""
        matching = self.published().filter(condition).order_by("search_number")
        return list(matching.values_list("search_number", flat=True).distinct()[:limit])

    def find(self, text, *, places=None):
        """Return what an editor's search box finds (search.editor_condition: what the site's
        search finds, given the place names it reads, search.place_table), or the documents of a
        number it starts; those of a number named or started aliased `number_first` (ordered by
        the link pickers: a list keeps the order its columns say)."""
        query = search.parse_query(text, places=places)
        if query.is_empty:
            return self
        found = search.editor_condition(query)
        named, started = search.number_condition(query), search.number_start(text)
        if not (named or started):
            return self.filter(found)
        first = search.number_score(query)
        if started:  # after a number named whole, before the text's other matches
            first += models.Case(models.When(started, then=Value(1.0)), default=Value(0.0))
        return self.filter(found | (started or Q())).alias(number_first=first)

    def titled(self, text):
        """Return the documents whose title has the words typed so far at its words' starts
        (search.title_pattern): the titles' index finds the words in any accents, the pattern
        then checks their order and the diacritics typed on the few rows found."""
        words, pattern = search.title_words(text), search.title_pattern(text)
        if not (words and pattern):
            return self.none()
        return self.alias(title_words=TITLE_WORDS).filter(title_words=words, title__regex=pattern)

    def close_to(self, text):
        """Return the documents with a title holding words like the text's, or a number like
        it, the most similar first (pg_trgm). The operators, which the trigram indexes answer,
        take their threshold from the statement's settings: run it in search.similar()."""
        folded, number = fold(text), normalize_number(text)
        similarity = Greatest(
            TrigramWordSimilarity(Value(folded), FOLDED_TITLE),
            TrigramSimilarity("search_number", number),  # (field, text): not the reverse
        )
        numbered = ~Q(search_number="") & Q(search_number__trigram_similar=number)
        return (
            self.alias(folded_title=FOLDED_TITLE)
            .filter(Q(folded_title__trigram_word_similar=folded) | numbered)
            .annotate(similarity=similarity)
            .order_by("-similarity", "pk")  # ties in a stable order
        )

    def by_relevance(self):
        """Order searched documents by rank, newest first among equals."""
        return self.order_by(models.F("rank").desc(), models.F("date").desc(nulls_last=True), "-pk")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


# A first paragraph a summary may open with and be shown without: a sentence, not a heading.
LEAD_SENTENCE = 40


class Document(NfcTextMixin, models.Model):
    """What all kinds share: the title, text, dates, status and what the document is about."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Bài viết")
        PLAN = "plan", _("Văn bản")
        CONFERENCE = "conference", _("Hội nghị")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, editable=False)
    title = models.CharField(_("tiêu đề"), max_length=500)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=200,
        unique=True,
        help_text=_("Phần cuối của địa chỉ trang, chỉ gồm chữ không dấu, số và gạch nối."),
        # Django's "Tài liệu có Đường dẫn đã tồn tại." said neither why nor what to do: the
        # address is filled from the title, and titles repeat.
        error_messages={
            "unique": _("Đã có tài liệu khác dùng đường dẫn này: hãy sửa, chẳng hạn thêm «-2».")
        },
    )
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    date = models.DateField(
        _("ngày"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Ngày ban hành (văn bản), ngày khai mạc (hội nghị) hoặc ngày đăng (bài viết). Nếu "
            "chỉ biết tháng hoặc năm, hãy nhập 05/2026 hoặc 2026."
        ),
    )
    # What of `date` is known: a month or a year is kept as its first day (archive/periods.py).
    # Set from what the admin's date input was typed as; a database default keeps COPY valid.
    date_precision = models.CharField(
        _("độ chính xác của ngày"),
        max_length=5,
        choices=periods.Precision.choices,
        default=periods.Precision.DAY,
        db_default=periods.Precision.DAY,
        editable=False,
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
    )
    provinces = models.ManyToManyField(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        blank=True,
        related_name="documents",
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan, tổ chức"),
        blank=True,
        related_name="documents",
        help_text=_("Mọi cơ quan liên quan: ban hành, tổ chức, tham dự hoặc được nhắc đến."),
    )
    objectives = models.ManyToManyField(
        GcmObjective,
        verbose_name=_("mục tiêu GCM"),
        blank=True,
        related_name="documents",
    )
    source_url = models.URLField(_("địa chỉ nguồn"), max_length=500, blank=True)
    # SHA-256 of the imported text's title and body, folded (archive.ingest.store): importing
    # the same article twice finds the first copy. A database default keeps COPY loads valid.
    content_hash = models.CharField(
        _("mã băm nội dung"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        editable=False,
        db_index=True,
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    # A plan's normalised number ("402/qd-ttg"), copied here by Plan.save() because the search
    # vector is generated from this table's columns only.
    search_number = models.CharField(
        _("số, ký hiệu để tìm kiếm"), max_length=60, blank=True, editable=False
    )
    # Generated by PostgreSQL, never by Python: title A, number and summary B, body C, folded by
    # the vi_unaccent configuration; the number both whole ("402/qd-ttg") and in parts. The
    # texts' numbers are read as the query spells them (numbers_as_tokens).
    search_vector = models.GeneratedField(
        expression=(
            SearchVector(numbers_as_tokens("title"), weight="A", config=search.CONFIG)
            + SearchVector(
                "search_number",
                Replace(Replace("search_number", Value("/"), Value(" ")), Value("-"), Value(" ")),
                numbers_as_tokens("summary"),
                weight="B",
                config=search.CONFIG,
            )
            + SearchVector(numbers_as_tokens("body"), weight="C", config=search.CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Facet values copied from the join tables and from the plan by database triggers (migration
    # 0004), so facet counts read the row the text match visits instead of joining per facet.
    # facet_units also holds the unit each tagged province merged into.
    facet_provinces = facet_array(_("tỉnh (để lọc)"))
    facet_units = facet_array(_("tỉnh và đơn vị kế thừa (để lọc)"))
    facet_agencies = facet_array(_("cơ quan (để lọc)"))
    facet_objectives = facet_array(_("mục tiêu GCM (để lọc)"))
    facet_doc_type = models.BigIntegerField(_("loại văn bản (để lọc)"), null=True, editable=False)
    # The same words with their diacritics, to rank "cư" above "cũ" when the query says "cư".
    search_vector_exact = models.GeneratedField(
        expression=(
            SearchVector("title", weight="A", config=search.EXACT_CONFIG)
            + SearchVector("summary", weight="B", config=search.EXACT_CONFIG)
            + SearchVector("body", weight="C", config=search.EXACT_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    natural_key_fields = ("slug",)
    objects = DocumentQuerySet.as_manager()

    # Each subclass names its kind; set at construction so an unsaved plan on the admin's add
    # page already knows it is a plan when its links are validated.
    KIND = None
    # A conference may be entered before it opens; a plan is issued, an article published.
    MAY_BE_AHEAD = False

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-created_at"]
        verbose_name = _("tài liệu")
        verbose_name_plural = pgettext_lazy("plural", "tài liệu (mọi loại)")
        constraints = [
            # A month or a year is kept as its first day: it sorts and counts as its period.
            models.CheckConstraint(
                condition=Q(date_precision=periods.Precision.DAY)
                | Q(date_precision=periods.Precision.MONTH, date__day=1)
                | Q(date_precision=periods.Precision.YEAR, date__month=1, date__day=1),
                name="document_partial_date_first_day",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status"], name="document_kind_status"),
            # A search's feed: the last entered first, read backwards until fifty match.
            models.Index(fields=["created_at", "id"], name="document_created"),
            # A write queues its lexemes in the index's pending list, which every search reads
            # in full until a write past the limit merges it (migration 0016).
            GinIndex(fields=["search_vector"], name=SEARCH_INDEX, gin_pending_list_limit=1024),
            # Number lookups ("402/qd-ttg", "^402/") OR-ed with the text match use this index.
            models.Index(
                fields=["search_number"],
                name="document_search_number",
                opclasses=["text_pattern_ops"],
                condition=~Q(search_number=""),
            ),
            # The documents tagged with a place a query names, OR-ed with the text match.
            GinIndex(fields=["facet_units"], name="document_facet_units"),
            # The titles' words alone, for suggestions while a title is typed (titled()).
            GinIndex(TITLE_WORDS, name="document_title_words"),
            # Titles and numbers by their trigrams, for the closest to a query (close_to()).
            GinIndex(OpClass(FOLDED_TITLE, name="gin_trgm_ops"), name="document_title_trigrams"),
            GinIndex(
                fields=["search_number"],
                name="document_number_trigrams",
                opclasses=["gin_trgm_ops"],
                condition=~Q(search_number=""),
            ),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.KIND:
            self.kind = self.KIND

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.date is None:  # nothing known: no precision to keep for a later date
            self.date_precision = periods.Precision.DAY
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"archive:{self.kind}", kwargs={"slug": self.slug})

    @property
    def agencies_listed(self):
        """Return the agencies the page lists under "Cơ quan, tổ chức"."""
        return self.agencies.all()

    @property
    def objectives_unofficial(self):
        """Return whether a GCM objective the page names is a working translation: said once
        under the list, each such name marked (nine notes, one a name, cluttered it)."""
        return any(objective.unofficial for objective in self.objectives.all())

    @property
    def lead(self):
        """Return the summary shown above the text, none when the text opens with it (an
        imported article's summary is its first paragraph, which its page showed twice) or
        when every word of it is in the text's first paragraph (a conference's summary
        condensed from it: the page read as saying it twice). A summary opening with the text's
        first paragraph shows only what follows it (Nghệ An's report repeated its first
        sentence, the summary's, just under it)."""
        summary, body = self.summary.strip(), self.body.lstrip()
        if not summary or body.startswith(summary):
            return ""
        first = body.split("\n", 1)[0].strip()
        if len(first) >= LEAD_SENTENCE and summary.startswith(first):  # not a word or a name
            return summary[len(first) :].strip()
        opening = set(WORD.findall(first.lower()))
        return "" if set(WORD.findall(summary.lower())) <= opening else summary

    def natural_key(self):
        return (self.slug,)

    @property
    def date_shown(self):
        """Return the date as pages show it («30/07/2020», «tháng 5/2026»), or None."""
        return periods.shown(self.date, self.date_precision)

    def clean(self):
        super().clean()
        if error := title_error(self.title):
            raise ValidationError({"title": error})
        if self.date and (error := date_range_error(self.date)):
            raise ValidationError({"date": error})
        if self.date and not self.MAY_BE_AHEAD:
            if error := future_date_error(self.date, self.date_precision):
                raise ValidationError({"date": error})

    @property
    def specific(self):
        """Return this document as its own kind (Plan, Conference or Article)."""
        if type(self) is not Document:
            return self
        return getattr(self, self.kind)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class Plan(Document):
    """A plan, decision or other administrative or legal document with its number."""

    KIND = Document.Kind.PLAN

    class Validity(models.TextChoices):
        IN_FORCE = "con_hieu_luc", _("Còn hiệu lực")
        PARTLY_EXPIRED = "het_hieu_luc_mot_phan", _("Hết hiệu lực một phần")
        EXPIRED = "het_hieu_luc", _("Hết hiệu lực")
        NOT_YET = "chua_co_hieu_luc", _("Chưa có hiệu lực")
        SUSPENDED = "ngung_hieu_luc", _("Ngưng hiệu lực")
        UNKNOWN = "khong_xac_dinh", _("Chưa xác định")

    number = models.CharField(
        _("số, ký hiệu"),
        max_length=60,
        help_text=_("Như trên văn bản: 1614/KH-UBND, 402/QĐ-TTg, 30/2020/NĐ-CP, 60-NQ/TW."),
    )
    # Derived from `number` on save: what every spelling shares (402/QĐ-TTg = 402/qd-ttg), and
    # the year that numbering restarts in (in the number, or the issue date's), which together
    # with the issuer make a number unique.
    number_normalized = models.CharField(
        _("số, ký hiệu chuẩn hoá"), max_length=60, editable=False, db_index=True
    )
    number_year = models.PositiveSmallIntegerField(_("năm của số"), null=True, editable=False)
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("loại văn bản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
    )
    issuer = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_plans",
    )
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    validity = models.CharField(
        _("tình trạng hiệu lực"),
        max_length=24,
        choices=Validity.choices,
        default=Validity.UNKNOWN,
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản (kế hoạch, quyết định...)")
        verbose_name_plural = pgettext_lazy("plural", "văn bản (kế hoạch, quyết định...)")
        constraints = [
            # An issuer numbers its texts once a year (a number without its year, undated,
            # once). Without an issuer nothing says two plans of one number are one:
            # 87/KH-UBND is every province's.
            models.UniqueConstraint(
                fields=["issuer", "number_year", "number_normalized"],
                name="plan_number_unique_per_issuer_year",
                nulls_distinct=False,
                condition=Q(issuer__isnull=False),
                violation_error_message=_(
                    "Cơ quan này đã có một văn bản mang số, ký hiệu này trong cùng năm."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number} – {self.title}"

    def save(self, *args, **kwargs):
        self.derive_number_fields()
        super().save(*args, **kwargs)

    @property
    def parsed_number(self):
        """Return the parsed number, or None if it does not parse."""
        try:
            return parse_number(self.number)
        except DocumentNumberError:
            return None

    @property
    def agencies_listed(self):
        """Return the agencies but its issuer, which the page names first (the admin tags the
        issuer as an agency, for the facet)."""
        return [agency for agency in self.agencies.all() if agency.pk != self.issuer_id]

    def citation(self):
        """Return how a Vietnamese text cites the plan (its «căn cứ» lines): «Quyết định số
        402/QĐ-TTg ngày 20/3/2020 của Thủ tướng Chính phủ ban hành Kế hoạch …», the title
        after its type's name as what it is about. In Vietnamese in either language of the
        interface, as the reports it is pasted into are. Without a type entered, the type its
        number names («87/KH-UBND»: Kế hoạch), else «Văn bản»."""
        if self.document_type_id:
            type_name = self.document_type.name
        else:
            parsed = self.parsed_number
            type_name = parsed.type_name if parsed and parsed.type_name else "Văn bản"
        about = self.title
        if about.casefold().startswith(type_name.casefold() + " "):
            about = about[len(type_name) + 1 :]  # "Quyết định ban hành …": "ban hành …"
        elif about.casefold() != type_name.casefold():
            about = f"về {about}"
        else:
            about = ""
        parts = [
            type_name,
            f"số {self.number}" if self.number else "",
            periods.cited(self.date, self.date_precision),
            f"của {self.issuer.name}" if self.issuer_id else "",
            about,
        ]
        return " ".join(part for part in parts if part)

    def derive_number_fields(self):
        """Write the number in its canonical spelling and fill its normalised form and year."""
        parsed = self.parsed_number
        if parsed:
            self.number = str(parsed)
            self.number_normalized = parsed.normalized
            self.number_year = parsed.year or (self.date.year if self.date else None)
            self.search_number = self.number_normalized
        return parsed

    def clean(self):
        super().clean()
        if not self.number:
            return  # the field itself says it is required, once
        try:
            parsed = parse_number(self.number)
        except DocumentNumberError as error:
            raise ValidationError({"number": str(error)}) from error
        self.derive_number_fields()
        # The unique constraint spans derived fields the admin form does not show, so Django's
        # own constraint validation skips it: check it here to answer with a message, not a 500.
        twins = Plan.objects.filter(
            issuer=self.issuer_id,
            number_year=self.number_year,
            number_normalized=self.number_normalized,
        ).exclude(pk=self.pk)
        if self.issuer_id and (twin := twins.only("title").first()):
            raise ValidationError(
                {
                    "number": _(
                        "Đã có văn bản số %(number)s của cùng cơ quan ban hành trong cùng năm: "
                        "«%(title)s»."
                    )
                    % {"number": parsed, "title": twin.title}
                }
            )
        if self.date and (error := number_year_error(parsed, self.date)):
            raise ValidationError({"date": error})
        type_abbreviation = self.document_type.abbreviation if self.document_type_id else ""
        if type_abbreviation and parsed.form == parsed.OFFICIAL_LETTER:
            # "215/KHUBND", "215/XY-UBND": read as an official letter's, the only kind whose
            # number names no type (Nghị định 30/2020/NĐ-CP, Phụ lục III).
            raise ValidationError({"number": untyped_number_error(parsed, self.document_type)})
        if (
            type_abbreviation
            and parsed.type_abbreviation
            and type_abbreviation != parsed.type_abbreviation
        ):
            raise ValidationError({"document_type": other_type_error(parsed, self.document_type)})
        if not self.document_type_id and parsed.type_abbreviation:
            # "9402/QĐ-UBND" left untyped: the type its number names, as an import takes it, or
            # the plan is missing from its type's filter.
            self.document_type = DocumentType.objects.filter(
                abbreviation=parsed.type_abbreviation
            ).first()
        if self.effective_date and self.date and self.effective_date < self.date:
            raise ValidationError(
                {"effective_date": _("Ngày có hiệu lực không thể trước ngày ban hành.")}
            )


# A date field's message for what is not a day: Django's ("Nhập một ngày hợp lệ.") said neither
# the form expected nor what to do with a date known only by its month ("05/2020").
DATE_INVALID = _(
    "Hãy nhập một ngày dạng ngày/tháng/năm, ví dụ 30/07/2020. Nếu chỉ biết tháng hoặc năm, "
    "hãy để trống và ghi vào phần tóm tắt."
)


def title_error(title):
    """Return why a title cannot be one, or None: it holds no letter or digit (combining marks
    alone, «\u0301\u0301», were saved as a title no page shows and a slug «tai-lieu»)."""
    if title and not WORD.search(title):
        return _("Tiêu đề cần có chữ hoặc số.")
    return None


def date_range_error(date):
    """Return why a date is outside what the archive holds, or None: 01/01/0001 was saved, and
    no year facet or period found it (numbers.YEARS, from 1945)."""
    if date.year in YEARS:
        return None
    return _("Năm %(year)s nằm ngoài khoảng %(first)s–%(last)s của lưu trữ.") % {
        "year": date.year,
        "first": YEARS[0],
        "last": YEARS[-1],
    }


def future_date_error(date, precision=periods.Precision.DAY):
    """Return why a document other than a conference cannot have this date, or None."""
    if date <= timezone.localdate():
        return None
    if precision != periods.Precision.DAY:  # «tháng 12/2026», not its first day
        return _("«%(period)s» chưa đến: chỉ hội nghị mới được ghi ngày sắp tới.") % {
            "period": periods.shown(date, precision)
        }
    return _("Ngày %(date)s chưa đến: chỉ hội nghị mới được ghi ngày sắp tới.") % {
        "date": date_format(date, "SHORT_DATE_FORMAT")
    }


def untold_twin(number, date, provinces, exclude=None):
    """Return a plan of this number and year that a plan without an issuer could not be told
    apart from on any page: one of the same provinces, or any when it names none; else None.
    Without an issuer two plans of a number may be two provinces' (87/KH-UBND). Stricter than
    the importer's rule (ingest/store.py: a twin without an issuer, of the same provinces
    read), which takes what a text says: an editor can choose the issuer or the provinces."""
    try:
        parsed = parse_number(number)
    except DocumentNumberError:
        return None  # Plan.clean says why
    wanted = {province.pk for province in provinces}
    twins = (
        Plan.objects.filter(
            number_normalized=parsed.normalized,
            number_year=parsed.year or (date.year if date else None),
        )
        .exclude(pk=exclude)
        .only("number", "title")
        .prefetch_related("provinces")
    )
    return next(
        (twin for twin in twins if not wanted or wanted == {p.pk for p in twin.provinces.all()}),
        None,
    )


def untold_twin_error(number, date, provinces, exclude=None):
    """Return why a plan without an issuer cannot be saved beside its untold twin, or None."""
    if not (twin := untold_twin(number, date, provinces, exclude=exclude)):
        return None
    return _(
        "Đã có văn bản số %(number)s trong cùng năm: «%(title)s». Nếu đây là "
        "một văn bản khác, hãy chọn cơ quan ban hành hoặc tỉnh, thành phố của nó."
    ) % {"number": twin.number, "title": twin.title}


def number_year_error(parsed, date):
    """Return why a document with this number cannot be issued on this date, or None."""
    if not parsed.year or parsed.year == date.year:
        return None
    return _(
        "Số, ký hiệu %(number)s ghi năm %(year)s, còn ngày ban hành ở năm %(issued)s: năm trong "
        "số là năm ban hành."
    ) % {"number": parsed, "year": parsed.year, "issued": date.year}


def issuer_mismatch(parsed, issuer):
    """Return a warning when this issuer may not have issued a number, or None: a group of the
    number's symbol names another body the archive knows, and none names this one («888/KH-TTg»
    saved as a provincial People's Committee's). Only said, not refused: a department's plan
    is read with its superior body as issuer by the importer (its header's first line), and a
    joint number need not name every co-issuer. Party and law numbers name a body that signs
    for others (TW, QH14), and a group with a slash is one body's (BCĐ138/CP): not judged."""
    if parsed.form in (parsed.PARTY, parsed.LAW) or not issuer.abbreviation:
        return None
    code, groups = issuer.abbreviation.split(" ")[0], set(parsed.issuer.split("-")) - {""}
    if code in groups:
        return None
    owners = {}
    for name, abbreviation in Agency.objects.exclude(abbreviation="").values_list(
        "name", "abbreviation"
    ):
        if (other := abbreviation.split(" ")[0]) in groups:
            owners.setdefault(other, []).append(name)
    if not owners:
        return None
    other, names = next(iter(owners.items()))
    return _(
        "Hãy xem lại cơ quan ban hành: ký hiệu %(number)s là của %(owner)s, không phải của "
        "%(chosen)s."
    ) % {"number": parsed, "owner": names[0] if len(names) == 1 else other, "chosen": issuer.name}


def other_type_error(parsed, document_type):
    """Return why a number of another type cannot be the number of this type of document, each
    type named in the page's language (English said «Quyết định, not Kế hoạch»)."""
    typed = DocumentType.objects.filter(abbreviation=parsed.type_abbreviation).first()
    return _("Ký hiệu %(number)s là của %(type)s, không phải %(chosen)s.") % {
        "number": parsed,
        "type": typed.label if typed else parsed.type_name or parsed.type_abbreviation,
        "chosen": document_type.label,
    }


def untyped_number_error(parsed, document_type):
    """Return why a number without a type cannot be the number of this type of document; a
    symbol beginning with letters no issuer uses ("9065/XYZ-UBND") names them as no type's."""
    written, dash, _rest = parsed.issuer.partition("-")
    if dash and written not in ISSUER_ABBREVIATIONS:
        message = _(
            "Số, ký hiệu %(number)s không ghi loại văn bản nào: «%(written)s» không phải chữ viết "
            "tắt của loại văn bản. Số của %(type)s ghi «%(abbreviation)s» sau dấu «/», như "
            "%(ordinal)s/%(abbreviation)s-UBND; chỉ công văn không ghi loại."
        )
    else:
        message = _(
            "Số, ký hiệu %(number)s không ghi loại văn bản: số của %(type)s ghi "
            "«%(abbreviation)s» sau dấu «/», như %(ordinal)s/%(abbreviation)s-UBND; chỉ công văn "
            "không ghi."
        )
    return message % {
        "number": parsed,
        "written": written,
        "type": document_type.label,
        "abbreviation": document_type.abbreviation,
        "ordinal": parsed.ordinal,
    }


class Conference(Document):
    """A conference, workshop or review meeting, at home or abroad."""

    KIND = Document.Kind.CONFERENCE
    MAY_BE_AHEAD = True

    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    place = models.CharField(
        _("địa điểm"),
        max_length=200,
        blank=True,
        help_text=_("Thành phố, tỉnh; hoặc ở nước ngoài: «Bắc Kinh, Trung Quốc»."),
    )
    is_abroad = models.BooleanField(_("ở nước ngoài"), default=False)
    organisers = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan tổ chức"),
        blank=True,
        related_name="organised_conferences",
    )
    participants = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan tham dự"),
        blank=True,
        related_name="attended_conferences",
    )
    participant_note = models.TextField(
        _("ghi chú về thành phần tham dự"),
        blank=True,
        help_text=_("Ví dụ: «khoảng 100 đại biểu, 31 địa phương»."),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("hội nghị")
        verbose_name_plural = pgettext_lazy("plural", "hội nghị")

    @property
    def agencies_listed(self):
        """Return the agencies but its organisers and participants, which the page lists
        first: a review conference listed its 28 agencies twice."""
        named = {agency.pk for agency in [*self.organisers.all(), *self.participants.all()]}
        return [agency for agency in self.agencies.all() if agency.pk not in named]

    def citation(self):
        """Return how a Vietnamese text cites the conference: its title, place and dates
        («…, Hà Nội, ngày 19/12/2025»; «từ ngày 3/10/2024 đến ngày 4/10/2024»)."""
        dates = periods.cited(self.date, self.date_precision)
        if self.end_date and self.date and self.end_date != self.date:
            dates = f"từ {dates} đến {periods.cited(self.end_date)}"
        return ", ".join(part for part in (self.title, self.place, dates) if part)

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError(
                {"end_date": _("Hội nghị không thể kết thúc trước ngày bắt đầu.")}
            )


class ConferenceSessionManager(models.Manager):
    def get_by_natural_key(self, conference_slug, position):
        return self.get(conference__slug=conference_slug, position=position)


class ConferenceSession(NfcTextMixin, models.Model):
    """A named session (phiên) of a conference, in order."""

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("hội nghị"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tên phiên"), max_length=300)

    objects = ConferenceSessionManager()

    class Meta:
        ordering = ["conference", "position"]
        verbose_name = _("phiên hội nghị")
        verbose_name_plural = pgettext_lazy("plural", "phiên hội nghị")
        constraints = [
            # Checked at commit: sessions put in another order swap their numbers, which one
            # update after another would clash on (a 500 in the admin).
            models.UniqueConstraint(
                fields=["conference", "position"],
                name="session_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return _("Phiên %(position)s: %(title)s") % {"position": self.position, "title": self.title}

    def natural_key(self):
        return (*self.conference.natural_key(), self.position)

    natural_key.dependencies = ["archive.conference"]


class Article(Document):
    """A news article or portal post that reports on the others."""

    KIND = Document.Kind.ARTICLE

    publication = models.CharField(
        _("báo, trang tin"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Báo Quốc tế (baoquocte.vn), Cổng thông tin điện tử tỉnh Hậu Giang."),
    )
    author = models.CharField(_("tác giả"), max_length=200, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = pgettext_lazy("plural", "bài viết")

    def citation(self):
        """Return how a Vietnamese text cites the article: «Tác giả, “Tiêu đề”, Báo …, ngày
        19/12/2025, https://…»."""
        parts = (
            self.author,
            f"“{self.title}”",
            self.publication,
            periods.cited(self.date, self.date_precision),
            self.source_url,
        )
        return ", ".join(part for part in parts if part)


class Relation(models.TextChoices):
    """How one document relates to another, in the vocabulary of the legal portals."""

    BASED_ON = "can_cu", _("Căn cứ")
    # A provincial plan carries out a national decision; "hướng dẫn" (guides) read the other way.
    IMPLEMENTS = "trien_khai", _("Triển khai thực hiện")
    AMENDS = "sua_doi", _("Sửa đổi, bổ sung")
    REPLACES = "thay_the", _("Thay thế")
    REPEALS = "bai_bo", _("Bãi bỏ")
    RELATED = "lien_quan", _("Liên quan")
    REVIEWS = "ra_soat", _("Rà soát, đánh giá")
    REPORTS = "dua_tin", _("Đưa tin về")
    MENTIONS = "nhac_den", _("Nhắc đến")


# How a link reads from its target's page ("QĐ 402 is implemented by 1614/KH-UBND").
REVERSE_LABELS = {
    Relation.BASED_ON: _("Là căn cứ của"),
    Relation.IMPLEMENTS: _("Được triển khai thực hiện bởi"),
    Relation.AMENDS: _("Bị sửa đổi, bổ sung bởi"),
    Relation.REPLACES: _("Bị thay thế bởi"),
    Relation.REPEALS: _("Bị bãi bỏ bởi"),
    Relation.RELATED: _("Liên quan"),
    Relation.REVIEWS: _("Được rà soát, đánh giá tại"),
    Relation.REPORTS: _("Được đưa tin bởi"),
    Relation.MENTIONS: _("Được nhắc đến trong"),
}

# The relations that read one way only: a plan carries out a decision, which cannot carry out
# the plan (Liên quan and Nhắc đến may stand both ways).
DIRECTED = set(Relation) - {Relation.RELATED, Relation.MENTIONS}

# Which kinds may stand at each end of a relation; links between legal texts join plans only.
_LEGAL = {Document.Kind.PLAN}
_ANY = {Document.Kind.PLAN, Document.Kind.CONFERENCE, Document.Kind.ARTICLE}
RELATION_KINDS = {
    Relation.BASED_ON: (_LEGAL, _LEGAL),
    Relation.IMPLEMENTS: (_LEGAL, _LEGAL),
    Relation.AMENDS: (_LEGAL, _LEGAL),
    Relation.REPLACES: (_LEGAL, _LEGAL),
    Relation.REPEALS: (_LEGAL, _LEGAL),
    Relation.RELATED: (_ANY, _ANY),
    Relation.REVIEWS: ({Document.Kind.CONFERENCE}, _ANY),
    Relation.REPORTS: ({Document.Kind.ARTICLE}, _ANY),
    Relation.MENTIONS: (_ANY, _ANY),
}


def either(labels):
    """Return «a», «b» hoặc «c»."""
    quoted = [f"«{label}»" for label in labels]
    if len(quoted) < 2:
        return "".join(quoted)
    return _("%(others)s hoặc %(last)s") % {"others": ", ".join(quoted[:-1]), "last": quoted[-1]}


def relations_between(source, target):
    """Return the labels of the relations a link from this document to that one may have."""
    return [
        label
        for value, label in Relation.choices
        if source.kind in RELATION_KINDS[value][0] and target.kind in RELATION_KINDS[value][1]
    ]


def plan_of(document):
    """Return the Plan a document is (itself, or its plan row), or None for another kind."""
    if isinstance(document, Plan):
        return document
    return getattr(document, "plan", None) if document.kind == Document.Kind.PLAN else None


def linked_name(document):
    """Return a plan's number, else the document's title in quotes."""
    plan = plan_of(document)
    return plan.number if plan and plan.number else f"«{document.title}»"


class DocumentLinkManager(models.Manager):
    def get_by_natural_key(self, source_slug, relation, target_slug):
        return self.get(source__slug=source_slug, relation=relation, target__slug=target_slug)


class DocumentLink(models.Model):
    """A typed, directed link: `source` <relation> `target` (1614/KH-UBND triển khai 402/QĐ-TTg)."""

    source = models.ForeignKey(
        Document,
        verbose_name=_("tài liệu"),
        on_delete=models.CASCADE,
        related_name="outgoing_links",
    )
    relation = models.CharField(_("quan hệ"), max_length=12, choices=Relation.choices)
    target = models.ForeignKey(
        Document,
        verbose_name=_("tài liệu được liên kết"),
        on_delete=models.CASCADE,
        related_name="incoming_links",
    )
    note = models.CharField(
        _("ghi chú"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: «Căn cứ Quyết định số 402/QĐ-TTg ngày 20/3/2020»."),
    )

    objects = DocumentLinkManager()

    class Meta:
        ordering = ["relation", "target__date"]
        verbose_name = _("liên kết giữa tài liệu")
        verbose_name_plural = pgettext_lazy("plural", "liên kết giữa tài liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "relation", "target"],
                name="link_unique",
                violation_error_message=_("Liên kết này đã có."),
                deferrable=models.Deferrable.DEFERRED,  # two rows may swap their relations
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="link_not_to_itself",
                violation_error_message=_("Một tài liệu không thể liên kết với chính nó."),
            ),
        ]

    def __str__(self):
        # A plan by its number: seven provinces' plans differ only in their titles' last words.
        relation = self.get_relation_display()
        return f"{linked_name(self.source)} → {relation} → {linked_name(self.target)}"

    def natural_key(self):
        return (self.source.slug, self.relation, self.target.slug)

    natural_key.dependencies = ["archive.document"]

    @property
    def reverse_label(self):
        return REVERSE_LABELS[self.relation]

    def clean(self):
        super().clean()
        if self.source_id and self.source_id == self.target_id:
            # Not the target's error: in the admin's incoming links the target is the document
            # itself, a hidden field, and its errors are shown nowhere.
            raise ValidationError(_("Một tài liệu không thể liên kết với chính nó."))
        # An inline on the admin's add page links from or to a document not saved yet: it is
        # cached on the link without an id (its outgoing links' source, its incoming' target).
        source = self.source if self.source_id else self._state.fields_cache.get("source")
        target = self.target if self.target_id else self._state.fields_cache.get("target")
        if not (source and target and self.relation):
            return
        source_kinds, target_kinds = RELATION_KINDS[self.relation]
        if source.kind not in source_kinds or target.kind not in target_kinds:
            raise ValidationError(
                {
                    "relation": _(
                        "Quan hệ «%(relation)s» không dùng được giữa %(source)s và %(target)s; "
                        "hãy chọn %(allowed)s."
                    )
                    % {
                        "relation": self.get_relation_display(),
                        "source": source.get_kind_display().lower(),
                        "target": target.get_kind_display().lower(),
                        # Which to use: the message said only what was wrong.
                        "allowed": either(relations_between(source, target)),
                    }
                }
            )
        if self.relation in DIRECTED and not self._unchanged() and self._reverse_exists():
            # 1234/KH-UBND carrying out 402/QĐ-TTg and carried out by it: its implementation
            # chain then listed the whole national chain under a provincial plan.
            raise ValidationError(
                {
                    "relation": _("Đã có liên kết ngược lại: %(target)s «%(relation)s» %(source)s.")
                    % {
                        "relation": self.get_relation_display(),
                        "source": linked_name(source),
                        "target": linked_name(target),
                    }
                }
            )

    def _unchanged(self):
        """Return whether the link is saved as it is: a loop saved before this check existed
        is left to be deleted, not held against every save of its documents."""
        return bool(self.pk) and (
            DocumentLink.objects.filter(
                pk=self.pk,
                source_id=self.source_id,
                relation=self.relation,
                target_id=self.target_id,
            ).exists()
        )

    def _reverse_exists(self):
        """Return whether the target already links to the source by the same relation."""
        return bool(self.source_id and self.target_id) and (
            DocumentLink.objects.filter(
                source_id=self.target_id, relation=self.relation, target_id=self.source_id
            ).exists()
        )


class SlowSearch(models.Model):
    """A search that took long to count and rank, and how often it was made.

    The nightly `build_search_snapshots` keeps snapshots of the ones made most often besides
    the searches it derives from the archive (archive/snapshots.py), so a search many people
    make is fast the next day whatever its words. Only searches computed slower than
    snapshots.SLOW_SECONDS are written (a row per search, counted up): a fast search costs no
    write.
    """

    key = models.CharField(_("khoá"), max_length=80, unique=True, editable=False)
    query = models.CharField(_("từ khoá"), max_length=200, blank=True, editable=False)
    parameters = models.JSONField(_("tham số"), editable=False)
    count = models.PositiveIntegerField(_("số lần tính"), default=1, editable=False)
    seconds = models.FloatField(_("thời gian tính lần cuối (giây)"), editable=False)
    last_searched = models.DateTimeField(_("lần cuối"), editable=False)

    class Meta:
        ordering = ["-count", "-last_searched"]
        verbose_name = _("tìm kiếm chậm")
        verbose_name_plural = pgettext_lazy("plural", "tìm kiếm chậm")

    def __str__(self):
        return self.query or str(_("(duyệt, không từ khoá)"))

    def get_absolute_url(self):
        return f"{reverse('archive:search')}?{urlencode(self.parameters, doseq=True)}"
