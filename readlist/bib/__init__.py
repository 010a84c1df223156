"""BibTeX out and in: names to BibTeX, citation keys, venues, LaTeX escaping, writing and reading.

Pure: strings and `readlist.models` in, strings and models out; no typer, rich or tinydb.
`write` turns entries into checked .bib text, `read` a user's .bib file into entries,
`parallel` splits a large export over two processes; `latex`/`latex_unicode` make text
LaTeX-safe per `Profile`, `keys` computes citation keys, `venues` reads venue cues.
"""
