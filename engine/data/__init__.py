"""The agency's data: models, reading a folder (cells, files, partner.toml), the sample generator."""
