"""Transport-agnostic feature handlers, one module (and one Router) per feature."""
