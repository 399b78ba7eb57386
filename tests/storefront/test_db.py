"""The migrations build exactly the schema the models describe, on every backend, and
`db revision` writes the next one from what the models changed."""
import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, String, Table

from hardware.db import Base
from storefront import db as storefront_db


def test_migrations_match_the_models(app):
    engine = app.extensions["database"].engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_db_upgrade_command_is_idempotent(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0
    assert "up to date" in result.output


@pytest.fixture
def migrations_copy(monkeypatch, tmp_path):
    """`db revision` writes into a copy of the migrations, never into the project's."""
    copy = tmp_path / "migrations"
    shutil.copytree(storefront_db.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(storefront_db, "MIGRATIONS", copy)
    return copy


def test_db_revision_writes_nothing_when_models_and_migrations_agree(empty_app, migrations_copy):
    before = sorted(path.name for path in (migrations_copy / "versions").glob("*.py"))
    result = empty_app.test_cli_runner().invoke(args=["db", "revision", "-m", "nothing new"])
    assert result.exit_code == 0, result.output
    assert "No changes: the models and the migrations agree" in result.output
    assert sorted(path.name for path in (migrations_copy / "versions").glob("*.py")) == before


def test_db_revision_writes_the_next_migration_for_a_new_table(empty_app, migrations_copy):
    head = ScriptDirectory(str(migrations_copy)).get_current_head()
    number = max(int(path.name[:4]) for path in (migrations_copy / "versions").glob("[0-9]*.py"))
    table = Table("scratch_notes", Base.metadata, Column("id", Integer, primary_key=True),
                  Column("body", String(200), nullable=False))
    try:
        result = empty_app.test_cli_runner().invoke(args=["db", "revision", "-m", "Scratch notes!"])
    finally:
        Base.metadata.remove(table)
    assert result.exit_code == 0, result.output
    written = migrations_copy / "versions" / f"{number + 1:04d}_scratch_notes.py"
    assert written.exists(), result.output
    text = written.read_text()
    assert f"revision = '{number + 1:04d}_scratch_notes'" in text
    assert f"down_revision = '{head}'" in text
    assert "op.create_table('scratch_notes'" in text and "op.drop_table('scratch_notes')" in text


def test_db_revision_empty_writes_a_migration_to_fill_in(empty_app, migrations_copy):
    result = empty_app.test_cli_runner().invoke(args=["db", "revision", "--empty", "-m", "move data"])
    assert result.exit_code == 0, result.output
    [written] = (migrations_copy / "versions").glob("*_move_data.py")
    assert "def upgrade():\n    pass" in written.read_text()


def test_db_check_passes_when_models_and_migrations_agree(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


def test_db_check_fails_and_names_what_a_migration_lacks(empty_app):
    table = Table("scratch_notes", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        result = empty_app.test_cli_runner().invoke(args=["db", "check"])
    finally:
        Base.metadata.remove(table)
    assert result.exit_code == 1
    assert "scratch_notes" in result.output and "db revision" in result.output
