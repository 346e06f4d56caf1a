"""The tier outlook: the next two recalibrations as of a day, the certification, and what to add by when.

Each recalibration is projected by `engine.tiers.projection.project_tier` itself, over the looks of its review period
with the points the outlook assumes on each look's day (FIGURES.md "Tier outlook"):

- no new sales after today, and no other change of MRR except
- each client's projected MRR change at its renewal (clients.csv), applied on the renewal date as an import
  would record it: a sold event (an upsell, or a downgrade that claws back) if the agency sold the client,
  a managed event if it manages it;
- sold points expire 12 months after their sale; the certification is not renewed.

Those points come from a second ledger built over the facts dated on or before today plus the renewals, so
expiries, claw-backs and the rules in force on each day are the ledger's own. The second recalibration is
judged with the first one's projected tier as the credited tier. The figures are exact rationals
(`Fraction`) until shown, half-up to 2 places.
"""

from engine.tiers.outlook.core import ASSUMPTIONS, Outlook, outlook
from engine.tiers.outlook.plans import Plan
from engine.tiers.outlook.recalibration import Recalibration
from engine.tiers.outlook.rows import shown, signed

__all__ = ["ASSUMPTIONS", "Outlook", "Plan", "Recalibration", "outlook", "shown", "signed"]
