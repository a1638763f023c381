"""Look for a string anywhere in the database, the way someone holding a stolen copy would."""

from __future__ import annotations

from django.db import connection


def tables_containing(needle: str) -> list[str]:
    needles = [needle.encode(), needle.encode("utf-16-le")]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names come from introspection
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    raw = bytes(value) if isinstance(value, memoryview | bytes) else str(value).encode()
                    if any(n in raw for n in needles):
                        found.append(table)
                        break
                else:
                    continue
                break
    return found
