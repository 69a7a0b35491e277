"""Load a realistic synthetic archive of N documents with COPY, for benchmarks."""

import multiprocessing
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from archive.corpus import Reference, produce
from archive.models import Agency, Document, DocumentType, GcmObjective, Plan, Province
from archive.text import vn_slugify

BATCH = 5_000
DOCUMENT_TYPES = {
    "KH": "ke-hoach",
    "QĐ": "quyet-dinh",
    "CV": "cong-van",
    "NĐ": "nghi-dinh",
    "NQ": "nghi-quyet",
    "CT": "chi-thi",
    "TB": "thong-bao",
    "BC": "bao-cao",
}
NATIONAL = [
    ("thu-tuong-chinh-phu", "TTg", "QĐ"),
    ("chinh-phu", "CP", "NĐ"),
    ("bo-ngoai-giao", "BNG-LS", "CV"),
    ("ban-chap-hanh-trung-uong-dang", "TW", "NQ"),
]
# The GIN index is rebuilt once after the load: far faster than updating it row by row.
SEARCH_INDEX = "document_search_vector"
# The facet arrays are written by the COPY itself; their triggers would only repeat the work.
FACET_TRIGGER_TABLES = [
    "archive_document_provinces",
    "archive_document_agencies",
    "archive_document_objectives",
    "archive_plan",
]


class Command(BaseCommand):
    help = (
        "Generate N synthetic documents of all kinds (same seed, same archive), loaded with COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--documents", type=int, required=True, help="how many documents to add"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same archive)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, documents, seed, no_progress, **options):
        if documents < 1:
            raise CommandError("--documents must be at least 1.")
        if not Province.objects.exists():
            raise CommandError(
                "Load the reference data first: manage.py loaddata fixtures/reference.json"
            )
        started = time.perf_counter()
        with transaction.atomic():
            reference = self.reference()
            taken = list(Plan.objects.values_list("issuer_id", "number_year", "number_normalized"))
            # Python writes the next batch in a child process while PostgreSQL takes this one.
            batches = multiprocessing.Queue(maxsize=4)
            producer = multiprocessing.Process(
                target=produce,
                args=(reference, seed, self.first_id(), taken, documents, BATCH, batches),
            )
            producer.start()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
                for table in FACET_TRIGGER_TABLES:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                progress = tqdm(total=documents, unit="doc", disable=no_progress, desc="tài liệu")
                while (rows := batches.get()) is not None:
                    copy_rows(cursor, rows)
                    progress.update(len(rows))
                progress.close()
                producer.join()
                # Check the deferred foreign keys now: a table with pending checks cannot change.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in FACET_TRIGGER_TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                self.stdout.write("Đang tạo lại chỉ mục tìm kiếm (GIN)…")
                cursor.execute(
                    f"CREATE INDEX {SEARCH_INDEX} ON archive_document USING gin (search_vector)"
                )
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('archive_document', 'id'), "
                    "(SELECT max(id) FROM archive_document))"
                )
            cursor = connection.cursor()
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {documents:,} tài liệu trong {elapsed:.1f} s "
                f"({documents / elapsed:,.0f} tài liệu/giây)."
            )
        )

    def first_id(self):
        last = Document.objects.order_by("-id").values_list("id", flat=True).first()
        return (last or 0) + 1

    def reference(self):
        provinces = list(
            Province.objects.order_by("code").values_list("id", "name", "full_name", "slug", "era")
        )
        ubnd = {}
        for province_id, _name, full_name, slug, _era in provinces:
            agency = Agency.objects.filter(province_id=province_id, abbreviation="UBND").first()
            if agency is None:
                agency, _ = Agency.objects.get_or_create(
                    slug=vn_slugify(f"ubnd-{slug}"),
                    defaults={
                        "name": f"Ủy ban nhân dân {full_name[0].lower()}{full_name[1:]}",
                        "abbreviation": "UBND",
                        "kind": Agency.Kind.PROVINCIAL,
                        "province_id": province_id,
                    },
                )
            ubnd[province_id] = agency.pk
        agencies = {a.slug: a.pk for a in Agency.objects.all()}
        return Reference(
            successors=dict(
                Province.objects.filter(merged_into__isnull=False).values_list(
                    "id", "merged_into_id"
                )
            ),
            provinces_old=[p[:4] for p in provinces if p[4] == Province.Era.BEFORE_2025],
            provinces_new=[p[:4] for p in provinces if p[4] == Province.Era.FROM_2025],
            agencies=list(
                Agency.objects.exclude(kind=Agency.Kind.PROVINCIAL).values_list(
                    "id", "slug", "abbreviation"
                )
            ),
            ubnd=ubnd,
            national=[
                (agencies[slug], symbol, abbreviation) for slug, symbol, abbreviation in NATIONAL
            ],
            objectives=list(GcmObjective.objects.values_list("id", flat=True)),
            document_types={
                abbreviation: pk
                for abbreviation, slug in DOCUMENT_TYPES.items()
                for pk in DocumentType.objects.filter(slug=slug).values_list("id", flat=True)
            },
        )


def copy_rows(cursor, rows):
    """COPY one batch of generated documents, their kind's row, tags and links."""
    now = timezone.now()
    tables = {
        "archive_document": [
            "facet_provinces",
            "facet_units",
            "facet_agencies",
            "facet_objectives",
            "facet_doc_type",
            "id",
            "kind",
            "title",
            "slug",
            "summary",
            "body",
            "date",
            "status",
            "source_url",
            "created_at",
            "updated_at",
            "search_number",
        ],
        "archive_plan": [
            "document_ptr_id",
            "number",
            "number_normalized",
            "number_year",
            "document_type_id",
            "issuer_id",
            "signer",
            "effective_date",
            "validity",
        ],
        "archive_conference": [
            "document_ptr_id",
            "end_date",
            "place",
            "is_abroad",
            "participant_note",
        ],
        "archive_article": ["document_ptr_id", "publication", "author"],
        "archive_document_provinces": ["document_id", "province_id"],
        "archive_document_agencies": ["document_id", "agency_id"],
        "archive_document_objectives": ["document_id", "gcmobjective_id"],
        "archive_documentlink": ["source_id", "relation", "target_id", "note"],
    }
    data = {table: [] for table in tables}
    for r in rows:
        data["archive_document"].append(
            (
                r["provinces"],
                r["units"],
                sorted(r["agencies"]),
                r["objectives"],
                r["document_type"],
                r["id"],
                r["kind"],
                r["title"],
                r["slug"],
                r["summary"],
                r["body"],
                r["date"],
                r["status"],
                "",
                now,
                now,
                r["search_number"],
            )
        )
        if r["kind"] == "plan":
            data["archive_plan"].append(
                (
                    r["id"],
                    r["number"],
                    r["number_normalized"],
                    r["number_year"],
                    r["document_type"],
                    r["issuer"],
                    r["signer"],
                    None,
                    r["validity"],
                )
            )
        elif r["kind"] == "conference":
            data["archive_conference"].append(
                (r["id"], r["end_date"], r["place"], r["is_abroad"], "")
            )
        else:
            data["archive_article"].append((r["id"], r["publication"], r["author"]))
        data["archive_document_provinces"] += [(r["id"], p) for p in r["provinces"]]
        data["archive_document_agencies"] += [(r["id"], a) for a in sorted(r["agencies"])]
        data["archive_document_objectives"] += [(r["id"], o) for o in r["objectives"]]
        data["archive_documentlink"] += [
            (r["id"], relation, target, "") for relation, target in r["links"]
        ]
    raw = cursor.cursor  # psycopg's own cursor, for COPY
    for table, columns in tables.items():
        if not data[table]:
            continue
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in data[table]:
                copy.write_row(row)
