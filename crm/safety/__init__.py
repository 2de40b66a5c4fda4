"""No lost data: write transactions, edit conflicts, unwritable databases, backups, soft delete."""
