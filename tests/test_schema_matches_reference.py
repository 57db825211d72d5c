"""The migrated schema is the original Mojodex md_ schema, apart from the declared differences.

The expectation lives in ``tests/data/md_schema_expected.json`` (every md_ table and column of the
reference, with each deliberate difference spelled out); the actual schema is read from the
Postgres catalog after migrations. Any drift fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from apps.accounts.models import User
from apps.catalog.models import Task, WorkflowStep
from apps.chat.models import Message, Session
from apps.documents.models import Document
from apps.executions.models import UserTask, UserTaskExecution
from apps.products.models import Product
from apps.workflows.models import UserWorkflowStepExecution, UserWorkflowStepExecutionResult

pytestmark = pytest.mark.django_db

EXPECTED: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "md_schema_expected.json").read_text())
TABLES: dict[str, Any] = EXPECTED["tables"]
CHECKS = [
    pytest.param(table, name, spec, id=name) for table, info in TABLES.items() for name, spec in info["checks"].items()
]


def _rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _md_tables() -> set[str]:
    return {
        name
        for (name,) in _rows(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname LIKE 'md\\_%%'"
        )
    }


def _columns() -> dict[str, dict[str, dict[str, Any]]]:
    """{table: {column: {type, nullable, default}}} as format_type()/pg_get_expr() spell them."""
    columns: dict[str, dict[str, dict[str, Any]]] = {}
    for table, column, type_, nullable, default, identity in _rows(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
        "       pg_get_expr(d.adbin, d.adrelid), a.attidentity "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname LIKE 'md\\_%%' "
        "  AND a.attnum > 0 AND NOT a.attisdropped"
    ):
        columns.setdefault(table, {})[column] = {
            "type": type_,
            "nullable": nullable,
            "default": "identity" if identity else default,
        }
    return columns


def _constraints(kind: str) -> list[tuple[str, str, list[str], str | None, list[str] | None, str, str]]:
    """(table, name, columns, referenced table, referenced columns, on delete, on update) per constraint."""
    return [
        (table, name, list(cols), ref_table, list(ref_cols) if ref_cols else None, on_delete, on_update)
        for table, name, cols, ref_table, ref_cols, on_delete, on_update in _rows(
            "SELECT c.relname, con.conname, "
            "  ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
            "        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), "
            "  rc.relname, "
            "  ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i) "
            "        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i), "
            "  con.confdeltype, con.confupdtype "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_class rc ON rc.oid = con.confrelid "
            f"WHERE con.contype = '{kind}' AND n.nspname = current_schema() AND c.relname LIKE 'md\\_%%'"
        )
    ]


def _compared(table: str) -> bool:
    return table not in EXPECTED["allowed_extra_tables"]


def test_it_has_exactly_the_reference_md_tables_plus_the_declared_extras():
    assert len(TABLES) == 37
    assert _md_tables() == set(TABLES) | set(EXPECTED["allowed_extra_tables"])


def test_it_gives_every_reference_column_its_type_nullability_and_default():
    actual = _columns()
    mismatches = []
    for table, info in TABLES.items():
        for column, spec in info["columns"].items():
            wanted = {key: spec[key] for key in ("type", "nullable", "default")}
            got = actual.get(table, {}).get(column)
            if got != wanted:
                mismatches.append((f"{table}.{column}", "expected", wanted, "got", got))
    assert sum(len(info["columns"]) for info in TABLES.values()) == 231
    assert mismatches == []


def test_it_has_no_column_the_expectation_does_not_declare():
    declared = {
        (table, column)
        for table, info in TABLES.items()
        for column in [*info["columns"], *info.get("extra_columns", {})]
    }
    actual = _columns()
    undeclared = sorted((table, column) for table, cols in actual.items() if _compared(table) for column in cols)
    assert [pair for pair in undeclared if pair not in declared] == []


def test_it_gives_md_user_exactly_the_declared_django_columns():
    actual = _columns()["md_user"]
    extras = TABLES["md_user"]["extra_columns"]
    assert {name: actual[name] for name in extras} == {
        name: {key: spec[key] for key in ("type", "nullable", "default")} for name, spec in extras.items()
    }


def test_it_keeps_each_reference_primary_key():
    primary_keys = {table: cols for table, _, cols, *_ in _constraints("p") if _compared(table)}
    assert primary_keys == {table: [info["primary_key"]] for table, info in TABLES.items()}


def test_it_has_exactly_the_reference_foreign_keys_all_without_cascades():
    foreign_keys = [fk for fk in _constraints("f") if _compared(fk[0])]
    actual = {
        (table, cols[0]): f"{ref_table}.{ref_cols[0]}"
        for table, _, cols, ref_table, ref_cols, _, _ in foreign_keys
        if ref_cols and len(cols) == 1
    }
    expected = {
        (table, column): target for table, info in TABLES.items() for column, target in info["foreign_keys"].items()
    }
    assert len(foreign_keys) == len(expected) == 47
    assert actual == expected
    # The original's plain FKs: NO ACTION on delete and on update (soft deletes everywhere).
    assert {(on_delete, on_update) for *_, on_delete, on_update in foreign_keys} == {("a", "a")}


def test_it_has_exactly_the_declared_unique_constraints():
    unique_indexes = _rows(
        "SELECT c.relname, i.relname, "
        "  ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) "
        "        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) "
        "FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE x.indisunique AND NOT x.indisprimary AND n.nspname = current_schema() AND c.relname LIKE 'md\\_%%'"
    )
    actual = sorted((table, list(cols)) for table, _, cols in unique_indexes if _compared(table))
    expected = sorted((table, u["columns"]) for table, info in TABLES.items() for u in info["unique"])
    assert actual == expected == [("md_product", ["label"]), ("md_user", ["email"])]
    names = {(table, name) for table, name, _ in unique_indexes}
    for table, info in TABLES.items():
        for unique in info["unique"]:
            if "name" in unique:
                assert (table, unique["name"]) in names


def test_it_has_exactly_the_declared_enum_check_constraints():
    actual = {(table, name) for table, name, *_ in _constraints("c")}
    expected = {(table, name) for table, info in TABLES.items() for name in info["checks"]}
    assert actual == expected
    assert len(expected) == 7


def test_it_has_the_hnsw_cosine_index_on_document_chunk_embeddings():
    for name, spec in EXPECTED["indexes"].items():
        definitions = _rows(
            f"SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            f"AND tablename = '{spec['table']}' AND indexname = '{name}'"
        )
        assert len(definitions) == 1, name
        assert spec["definition_contains"] in definitions[0][0]
    assert "md_doc_chunk_embedding_hnsw" in EXPECTED["indexes"]


def test_every_declared_difference_is_explained_and_used():
    """Each ``why`` names an explained difference, and no explanation is left unused."""
    cited: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            cited.update(node.get("why", []) if isinstance(node.get("why"), list) else [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(EXPECTED["tables"])
    walk(EXPECTED["allowed_extra_tables"])
    assert cited == set(EXPECTED["deliberate_differences"])


# --- the enum check constraints at work ----------------------------------------------------------


def _task() -> Task:
    return Task.objects.create(name_for_system="summarize", definition_for_system="Summarize a text.")


def _step_result(user: User) -> int:
    task = _task()
    step = WorkflowStep.objects.create(task=task, name_for_system="write", rank=1)
    execution = UserTaskExecution.objects.create(
        user_task=UserTask.objects.create(user=user, task=task),
        session=Session.objects.create(user=user),
        json_input_values=[],
    )
    step_execution = UserWorkflowStepExecution.objects.create(
        user_task_execution=execution, workflow_step=step, parameter={}
    )
    return UserWorkflowStepExecutionResult.objects.create(user_workflow_step_execution=step_execution, result=[]).pk


ROW_MAKERS: dict[str, Callable[[User], Any]] = {
    "md_task": lambda user: _task().pk,
    "md_product": lambda user: Product.objects.create(status="active", free=True).pk,
    "md_session": lambda user: Session.objects.create(user=user).pk,
    "md_message": lambda user: (
        Message.objects.create(session=Session.objects.create(user=user), sender="user", message={"text": "hi"}).pk
    ),
    "md_document": lambda user: (
        Document.objects.create(name="https://example.com", author=user, document_type="webpage").pk
    ),
    "md_user_workflow_step_execution_result": _step_result,
}


def _set_column(table: str, column: str, value: str | None, pk: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE "{TABLES[table]["primary_key"]}" = %s', [value, pk])
        assert cursor.rowcount == 1


def _violated_constraint(error: IntegrityError) -> str:
    return error.__cause__.diag.constraint_name  # type: ignore[union-attr]


@pytest.mark.parametrize(("table", "name", "spec"), CHECKS)
def test_it_rejects_a_value_outside_the_enum(owner, table, name, spec):
    pk = ROW_MAKERS[table](owner)
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        _set_column(table, spec["column"], "not_a_" + spec["column"], pk)
    assert _violated_constraint(raised.value) == name


@pytest.mark.parametrize(("table", "name", "spec"), CHECKS)
def test_it_accepts_every_enum_value(owner, table, name, spec):
    pk = ROW_MAKERS[table](owner)
    column = spec["column"]
    allowed = [*spec["values"], *([None] if TABLES[table]["columns"][column]["nullable"] else [])]
    for value in allowed:
        _set_column(table, column, value, pk)
    stored = _rows(f'SELECT "{column}" FROM "{table}" WHERE "{TABLES[table]["primary_key"]}" = {pk!r}')
    assert stored == [(allowed[-1],)]


def test_it_rejects_a_raw_insert_of_an_unknown_task_type_and_defaults_a_missing_one():
    with pytest.raises(IntegrityError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO md_task (type, name_for_system, definition_for_system) VALUES ('chatbot', 'x', 'y')"
        )
    assert _violated_constraint(raised.value) == "md_task_type_valid"

    inserted = _rows(
        "INSERT INTO md_task (name_for_system, definition_for_system) VALUES ('x', 'y') "
        "RETURNING type, visible_for_teasing, result_chat_enabled"
    )
    assert inserted == [("instruct", False, True)]


def test_it_has_a_migration_for_every_model_change():
    from django.core.management import call_command

    apps_with_md_tables = [
        "accounts",
        "products",
        "catalog",
        "executions",
        "chat",
        "workflows",
        "todos",
        "documents",
        "notifications",
    ]
    call_command("makemigrations", *apps_with_md_tables, check=True, dry_run=True, verbosity=0)
