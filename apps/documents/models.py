"""Knowledge documents (scraped web pages, learned texts) and their embedded chunks (pgvector)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField

EMBEDDING_DIMENSIONS = 1536


class DocumentType(models.TextChoices):
    """The original's ``document_type_`` enum."""

    LEARNED_BY_MOJO = "learned_by_mojo"
    WEBPAGE = "webpage"


class Document(models.Model):
    """A document owned by a user (``md_document``); for a web page, ``name`` is its URL."""

    id = models.AutoField(primary_key=True, db_column="document_pk")
    name = models.CharField(max_length=255)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_column="author_user_id", related_name="documents"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    document_type = models.CharField(max_length=255, choices=DocumentType.choices)
    deleted_by_user = models.BooleanField(default=False, db_default=False)
    last_update_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "md_document"
        ordering = ("-creation_date", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document_type__in=DocumentType.values), name="md_document_document_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentChunk(models.Model):
    """An embedded piece of a document for similarity search (``md_document_chunk``).

    ``index`` is the chunk's position in the split text (with gaps where chunks were rejected);
    ``deleted`` is set when an update shortened the document.
    """

    id = models.AutoField(primary_key=True, db_column="document_chunk_pk")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, db_column="document_fk", related_name="chunks")
    index = models.IntegerField()
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS)
    chunk_text = models.TextField()
    deleted = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "md_document_chunk"
        ordering = ("document_id", "index", "id")
        indexes = [
            # The original searched sequentially; HNSW with the cosine operator class serves the
            # `<=>` (cosine distance) searches the retrieval code makes.
            HnswIndex(
                name="md_doc_chunk_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of document {self.document_id}"
