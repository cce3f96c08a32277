"""The public site: records -> Markdown pages and data files -> the engine -> site/."""
