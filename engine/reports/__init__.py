"""The query a screen or command asks: a kind and the screen's inputs -> typed results, JSON last."""
