"""HubSpot's CRM API (Partner Clients) read into a client-list snapshot."""
