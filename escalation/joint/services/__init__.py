"""The joint supervision services, a package because one module had grown past ~400 lines:
each sub-topic is a module, and callers import from the module (this package re-exports
nothing). `opening` opens a supervision with its five parties; `reporting` takes the
parties' reports and closes the supervision."""
