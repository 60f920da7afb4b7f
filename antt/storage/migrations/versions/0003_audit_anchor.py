"""audit chain keyed and anchored: the signed legacy boundary (records hashed before the chain was keyed),
the signed last-verified position, the anonymous-failure throttle, and an index on audit_log.at

Existing records keep their plain SHA-256 digests (re-chaining them would change hashes already exported
and compared elsewhere); the boundary row records where they end, signed with the audit chain key, so
the verifier knows which digest each record uses and nobody without the key can move that line. Signing
needs the key: upgrading a database that already has audit records needs ANTT_PSEUDONYM_KEY (the audit
key derives from it) or the demo.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from antt.errors import SettingsError
from antt.settings import AUDIT_CHAIN_KEY, Settings
from antt.storage.audit_verify import boundary_mac

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    boundary = op.create_table('audit_boundary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyed_from_id', sa.Integer(), nullable=False),
    sa.Column('legacy_head', sa.String(length=64), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_boundary'))
    )
    op.create_table('audit_verified',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.Column('full_at', sa.DateTime(), nullable=True),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verified'))
    )
    op.create_table('audit_throttle',
    sa.Column('client', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('client', 'action', name=op.f('pk_audit_throttle'))
    )
    with op.batch_alter_table('audit_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_throttle_written_at'), ['written_at'], unique=False)

    if context.is_offline_mode():
        return
    last = op.get_bind().execute(sa.text('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1')).first()
    if last is None:
        return  # an empty log: every record will be keyed, no boundary
    settings = context.config.attributes.get('antt_settings')
    if not isinstance(settings, Settings) or settings.pseudonym_key is None:
        raise SettingsError(
            'Nâng cấp nhật ký kiểm toán cần khoá: đặt ANTT_PSEUDONYM_KEY (hoặc _FILE) rồi chạy lại '
            "'antt db upgrade'.",
            'Upgrading the audit log needs the key: set ANTT_PSEUDONYM_KEY (or _FILE) and run '
            "'antt db upgrade' again.",
        )
    key = settings.derived_key(AUDIT_CHAIN_KEY)
    keyed_from = int(last[0]) + 1
    op.bulk_insert(boundary, [{
        'id': 1,
        'keyed_from_id': keyed_from,
        'legacy_head': last[1],
        'mac': boundary_mac(key, keyed_from, last[1]),
    }])


def downgrade() -> None:
    with op.batch_alter_table('audit_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_throttle_written_at'))

    op.drop_table('audit_throttle')
    op.drop_table('audit_verified')
    op.drop_table('audit_boundary')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
