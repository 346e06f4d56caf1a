"""Points: the calculator (a deal's points) and the ledger (every MRR event priced, claw-backs, expiry)."""
