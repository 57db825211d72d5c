"""Write the LLM cost CSV files (original layout) from the ``llm_call`` table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.llm.costs import export_costs


def _month(value: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        start = dt.datetime.strptime(value, "%m_%Y").replace(tzinfo=dt.UTC)
    except ValueError:
        raise CommandError(f"--month must be MM_YYYY, got {value!r}") from None
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


class Command(BaseCommand):
    help = "Export LLM costs as <dir>/tokens/<MM_YYYY>.csv and <dir>/whisper/<MM_YYYY>.csv (default: DATA_DIR/costs)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=None, help="default: <MOJODEX_DATA_DIR>/costs")
        parser.add_argument("--month", default=None, help="only this month, MM_YYYY (UTC)")

    def handle(self, *args, output_dir: Path | None = None, month: str | None = None, **options):
        since, until = _month(month) if month else (None, None)
        paths = export_costs(output_dir, since=since, until=until)
        for path in paths:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{len(paths)} file(s) written"))
