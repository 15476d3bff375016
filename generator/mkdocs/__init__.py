"""Everything PaperWiki does with MkDocs (or ProperDocs, its maintained fork), and nothing else.

The rest of the package makes Markdown, data files and a navigation (``generate.py``) from
settings read without MkDocs (``settings.py``); this adapter hands them to the builder:

- ``plugin.py``: the MkDocs plugin, generating the pages before every build and ``serve``;
- ``build.py``: ``paperwiki build`` through MkDocs' build command;
- ``serving.py``: ``paperwiki serve`` with MkDocs' live-reload server;
- ``parallel.py``: rendering paper pages on every core inside one MkDocs build;
- ``incremental.py``: rebuilding only the pages an edit touched under ``serve``;
- ``pagecache.py`` and ``warm.py``: warm builds, taking unchanged pages from a page cache.
- ``mdcache.py``: paper pages' Markdown kept between builds, for the generator.

Moving to another builder means writing this package again, not touching the others.
"""
