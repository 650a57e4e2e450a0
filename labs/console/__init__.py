"""The practice account's console: the account, its identities, policies,
resources and findings, each on a page of its own (``views.py``), and what
every page shares (``base.py``)."""
