"""The dashboard's figures, one module per section, over a ledger."""
