"""The ingest benchmark's code runs on a few texts so it cannot rot. Nothing is timed."""

import pytest

from bench import ingest

pytestmark = pytest.mark.django_db


def test_generated_texts_are_all_new_documents(demo, tmp_path):
    paths = ingest.write_texts(tmp_path, 30)
    texts = [path.read_text(encoding="utf-8") for path in paths]
    assert len(set(texts)) == 30
    run = ingest.run_once(paths)
    assert run["created"] == 30
    assert "30 đã nhập, 0 phân tích thử, 0 trùng, 0 lỗi" in run["summary"]
    # Run again from the same state: the previous imports are removed first.
    assert ingest.run_once(paths[:5])["created"] == 5
