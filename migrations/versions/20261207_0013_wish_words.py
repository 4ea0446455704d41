"""wish words: word search in the queues, a GIN index over each wish's characters and character pairs

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

app/wishes/words.py says why not pg_trgm (three-character grams, CJK not word characters under the C locale, and a
contrib extension the embedded PostgreSQL lacks). A plain SQL function works on every PostgreSQL from 15.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every character and every pair of adjacent characters of "title content", ASCII letters lowercased (translate,
# not lower(): the same on every collation, and what words.py does in Python). string_to_array(…, NULL) splits into
# characters; repeated elements are left to GIN, which keeps each once. (3.5 times faster than generate_series and
# substr with DISTINCT: about 50 µs a wish on the test machine.)
_FUNCTION = """
CREATE FUNCTION wish_words(title text, content text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (
    SELECT chars || ARRAY(SELECT a || b FROM unnest(chars[1:cardinality(chars) - 1], chars[2:]) AS pairs(a, b))
    FROM string_to_array(
        translate(title || ' ' || content, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), NULL
    ) AS chars
)
"""


def upgrade() -> None:
    op.execute(_FUNCTION)
    op.create_index("ix_wishes_words", "wishes", [sa.text("wish_words(title, content)")], postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_wishes_words", table_name="wishes")
    op.execute("DROP FUNCTION wish_words(text, text)")
