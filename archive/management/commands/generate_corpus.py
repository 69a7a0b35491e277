"""Load a realistic synthetic archive of N documents with COPY, for benchmarks."""

import multiprocessing
import queue
import time
from dataclasses import dataclass

from django.contrib.postgres.indexes import GinIndex
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from archive import workers
from archive.corpus import Reference, produce
from archive.models import (
    Agency,
    Document,
    DocumentType,
    GcmObjective,
    Plan,
    Province,
)
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
# The GIN indexes (the search vector's, the places', the titles' words and trigrams, the
# numbers' trigrams) are built once after the load: far faster than updating them row by row, which
# doubled the time of a 200,000-document load once the title indexes came (session 17).
LOAD_INDEXES = [index for index in Document._meta.indexes if isinstance(index, GinIndex)]
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
        parser.add_argument(
            "--jobs",
            type=int,
            default=workers.DEFAULT_JOBS,
            help="processes copying at once (default: the cores, at most 4)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, documents, seed, jobs, no_progress, **options):
        if documents < 1:
            raise CommandError("--documents must be at least 1.")
        if not Province.objects.exists():
            raise CommandError(
                "Load the reference data first: manage.py loaddata fixtures/reference.json"
            )
        started = time.perf_counter()
        progress = tqdm(total=documents, unit="doc", disable=no_progress, desc="tài liệu")
        # PostgreSQL computes the two search vectors of each row as it is copied, in the
        # copying connection's one process: several connections copy as many times faster.
        # Other connections see committed rows only, so inside a transaction (a test's, a
        # caller's) this connection copies everything, in it.
        if jobs <= 1 or connection.in_atomic_block:
            with transaction.atomic():
                source = self.source(documents, seed)
                prepare()
                links = copy_here(source, progress)
                self.stdout.write("Đang tạo lại các chỉ mục tìm kiếm (GIN)…")
                finish(links)
        else:
            with transaction.atomic():
                source = self.source(documents, seed)
            prepare()
            try:
                links = copy_in_workers(source, jobs, progress)
                self.stdout.write("Đang tạo lại các chỉ mục tìm kiếm (GIN)…")
                with transaction.atomic():
                    finish(links)
            except BaseException:
                undo(source.first_id)
                raise
        progress.close()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {documents:,} tài liệu trong {elapsed:.1f} s "
                f"({documents / elapsed:,.0f} tài liệu/giây)."
            )
        )

    def source(self, documents, seed):
        return Source(
            reference=self.reference(),
            seed=seed,
            first_id=self.first_id(),
            taken=list(Plan.objects.values_list("issuer_id", "number_year", "number_normalized")),
            documents=documents,
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


@dataclass
class Source:
    """What the writer process needs to write the corpus (archive.corpus.produce)."""

    reference: Reference
    seed: int
    first_id: int
    taken: list
    documents: int

    def producer(self, batches, consumers=1):
        """Start the process writing the documents in batches onto `batches`."""
        process = multiprocessing.get_context("fork").Process(
            target=produce,
            args=(
                self.reference,
                self.seed,
                self.first_id,
                self.taken,
                self.documents,
                BATCH,
                batches,
                consumers,
            ),
        )
        process.start()
        return process


def prepare():
    """Drop the GIN indexes and switch the facet triggers off for the load."""
    with connection.cursor() as cursor:
        for index in LOAD_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index.name}")
        facet_triggers(cursor, "DISABLE")


def facet_triggers(cursor, action):
    for table in FACET_TRIGGER_TABLES:
        cursor.execute(f"ALTER TABLE {table} {action} TRIGGER USER")


def create_load_indexes(cursor):
    """Build the GIN indexes as the model declares them, storage parameters too."""
    schema_editor = connection.schema_editor()
    for index in LOAD_INDEXES:
        cursor.execute(str(index.create_sql(Document, schema_editor)))


def finish(links):
    """Copy the links, check the deferred keys, switch the triggers on, build the indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        copy_table(cursor, "archive_documentlink", LINK_COLUMNS, links)
        # Check the deferred foreign keys now: a table with pending checks cannot change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        facet_triggers(cursor, "ENABLE")
        create_load_indexes(cursor)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('archive_document', 'id'), "
            "(SELECT max(id) FROM archive_document))"
        )


def undo(first_id):
    """Remove what a failed parallel load committed; put the triggers and the indexes back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_documentlink WHERE source_id >= %s", [first_id])
        for table, columns in reversed(COPIED.items()):  # the document last
            cursor.execute(f"DELETE FROM {table} WHERE {columns[0]} >= %s", [first_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in finish()
        facet_triggers(cursor, "ENABLE")
        create_load_indexes(cursor)


def copy_here(source, progress):
    """Copy the whole corpus through this connection; a writer process makes the next batch
    meanwhile."""
    batches = multiprocessing.get_context("fork").Queue(maxsize=4)
    producer = source.producer(batches)
    links = []
    with connection.cursor() as cursor:
        while (rows := batches.get()) is not None:
            links += copy_rows(cursor, rows)
            progress.update(len(rows))
    producer.join()
    return links


def copy_in_workers(source, jobs, progress):
    """Copy the corpus through `jobs` connections, each in a process and a transaction of its
    own, and return the links (a link may point to a document another process copies, which
    its transaction cannot see: they are copied after every process has committed).

    The processes commit together, once each has copied and checked its rows, or none does;
    whatever happens, no process is left running.
    """
    context = multiprocessing.get_context("fork")
    batches, messages = context.Queue(maxsize=2 * jobs), context.Queue()
    barrier = context.Barrier(jobs)
    producer = source.producer(batches, consumers=jobs)
    loaders = [workers.start(load, batches, messages, barrier) for _ in range(jobs)]
    links, committed, failures = [], 0, []
    try:
        while committed < jobs and not failures:
            try:
                message, value = messages.get(timeout=1)
            except queue.Empty:
                if any(loader.exitcode not in (None, 0) for loader in loaders):
                    failures.append("một tiến trình chép dữ liệu dừng bất thường")
                continue
            if message == "copied":
                progress.update(value)
            elif message == "committed":
                committed += 1
                links += value
            else:
                failures.append(value)
    finally:
        # After a failure (or an interruption) the writer may wait for ever on a full queue and
        # a copying process on the barrier: they are stopped, their transactions roll back.
        stop = committed < jobs
        for process in (producer, *loaders):
            if stop:
                process.terminate()
            process.join()
    if failures:
        raise CommandError(f"Không tạo được kho tài liệu: {failures[0]}")
    return links


def load(batches, messages, barrier):
    """Copy batches until an end mark, in one transaction; commit when every process has."""
    links = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            while (rows := batches.get()) is not None:
                links += copy_rows(cursor, rows)
                messages.put(("copied", len(rows)))
            check_foreign_keys(cursor)
            barrier.wait()
    except Exception as error:  # reported to the parent, which stops the others
        barrier.abort()
        messages.put(("failed", str(error)))
        return
    messages.put(("committed", links))


# The tables a batch is copied into: the document, its kind's row and its tags (its links are
# copied last, by finish()). Each table's first column is the document's id.
COPIED = {
    "archive_document": [
        "id",
        "facet_provinces",
        "facet_units",
        "facet_agencies",
        "facet_objectives",
        "facet_doc_type",
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
}
LINK_COLUMNS = ["source_id", "relation", "target_id", "note"]


def check_foreign_keys(cursor):
    """Check the copied rows' deferred foreign keys now, each process its own at once.

    Not `SET CONSTRAINTS ALL`: that would also fire the search generation's trigger, which
    takes the one generation row until commit (migration 0008), and the second process would
    wait for it while the first waits for the second to finish.
    """
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferred "
        "AND conrelid = ANY(%s::regclass[])",
        [list(COPIED)],
    )
    names = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
    cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")


def copy_table(cursor, table, columns, rows):
    raw = cursor.cursor  # psycopg's own cursor, for COPY
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_rows(cursor, rows):
    """COPY one batch of generated documents, their kind's row and tags; return their links."""
    now = timezone.now()
    data = {table: [] for table in COPIED}
    links = []
    for r in rows:
        data["archive_document"].append(
            (
                r["id"],
                r["provinces"],
                r["units"],
                sorted(r["agencies"]),
                r["objectives"],
                r["document_type"],
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
        links += [(r["id"], relation, target, "") for relation, target in r["links"]]
    for table, columns in COPIED.items():
        if data[table]:
            copy_table(cursor, table, columns, data[table])
    return links
