"""Use cases: what each command does, free of argument parsing and printing.

One function per command, each taking the store's path (`--db`, or None for the default)
and returning a result from `readlist.models` for `readlist.output.emit`:
`importing` (import), `browse` (list, show, search, tags, log, next), `curate` (tag, untag,
note, status, add, edit, rm), `export` (export, cite). `library` holds the rules they share,
over an open store; `session` opens the store.
"""
