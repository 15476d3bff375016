"""PaperWiki: turn listings of research papers into a curated, searchable static wiki."""
