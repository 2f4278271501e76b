"""The schedule services, a package because one module had grown past ~400 lines: each
sub-topic is a module, and callers import from the module (this package re-exports
nothing). `schedules` sets up, changes and ends a leader's schedule; `days` cancels one
reception day or replaces it by another."""
