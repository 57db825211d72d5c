"""Similarity search over document chunks by cosine distance uses the HNSW index."""

from __future__ import annotations

import pytest
from django.db import connection
from pgvector.django import CosineDistance, L2Distance

from apps.documents.models import Document, DocumentChunk

pytestmark = pytest.mark.django_db


def _vector(*head: float) -> list[float]:
    return [*head, *([0.0] * (1536 - len(head)))]


@pytest.fixture
def chunks(owner):
    document = Document.objects.create(name="https://example.com", author=owner, document_type="webpage")
    for index, head in enumerate([(1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]):
        DocumentChunk.objects.create(document=document, index=index, embedding=_vector(*head), chunk_text=f"c{index}")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # so that a three-row table still shows the index
    return document


def test_it_orders_chunks_by_cosine_distance_through_the_hnsw_index(chunks):
    nearest = DocumentChunk.objects.order_by(CosineDistance("embedding", _vector(0.9, 0.1)))[:3]

    assert "md_doc_chunk_embedding_hnsw" in nearest.explain()
    assert [chunk.index for chunk in nearest] == [0, 2, 1]


def test_it_cannot_use_the_cosine_index_for_euclidean_distance(chunks):
    nearest = DocumentChunk.objects.order_by(L2Distance("embedding", _vector(0.9, 0.1)))[:3]

    assert "md_doc_chunk_embedding_hnsw" not in nearest.explain()
