"""Partner Dashboard's headless core: rules, points, data, figures. Never imports Textual or Rich."""
