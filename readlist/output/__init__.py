"""Everything readlist prints: `emit` turns a command's result into a table, text or JSON.

`shapes` is the one home of every machine-readable shape (the `--json` contract, CSV,
Markdown); `render` is the only module that imports rich; `text` holds small wording rules.
Nothing is imported here, so that the CLI can import `readlist.output.text` for `--help`.
"""
