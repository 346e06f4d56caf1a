"""Real data in: a client list (CSV, XLSX, HubSpot) -> a dated snapshot -> the MRR events it implies."""
