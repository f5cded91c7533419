"""Collectors for the open platforms: Bluesky (public AppView) and Mastodon (public API).

Each fetches the posts of the accounts named, every post's whole reply tree, and the accounts'
profiles, writes every response exactly as received under ``data/raw/<name>/`` and imports them
with the existing importers (:func:`analysis.collect.imports.import_collection`).

Modules, one concern each: :mod:`~analysis.collect.http` (client: rate limits, retries),
:mod:`~analysis.collect.log` (the collection folder: raw files, log, resume state, summary),
:mod:`~analysis.collect.bluesky`, :mod:`~analysis.collect.mastodon`,
:mod:`~analysis.collect.imports` (raw files -> canonical tables), :mod:`~analysis.collect.cli`
(``dialogic collect``). See docs/collectors.md.
"""
