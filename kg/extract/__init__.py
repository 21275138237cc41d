"""Documents in: report text to candidate claims in a staging store, reviewed through the gate.

:mod:`~kg.extract.text` reads txt, Markdown, HTML and PDF; :mod:`~kg.extract.dates` reads
dates relative to the document's date; :mod:`~kg.extract.names` finds and resolves names
against the store; :mod:`~kg.extract.patterns` holds the event, relation and modality rules;
:mod:`~kg.extract.extractor` runs them sentence by sentence; :mod:`~kg.extract.candidates`
writes candidates as triples in the ontology's terms; :mod:`~kg.extract.staging` keeps them
in a staging store beside the main store and reads them back; :mod:`~kg.extract.review`
extracts files and accepts, rejects or edits candidates; :mod:`~kg.extract.batch` reads
short texts (ACLED notes) from a CSV, one event per note (:mod:`~kg.extract.notes`), its
place (:mod:`~kg.extract.noteplaces`) and ACLED kind (:mod:`~kg.extract.notekinds`).
"""
