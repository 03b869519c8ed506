"""Lien's development tooling, shared by tests/ and bench/ and never shipped: the app on a real
server and headless chromium (harness), the server's processes read from /proc (procs), hostile
inputs (hostile) and synthetic directories (synthetic)."""
