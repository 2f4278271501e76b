"""The notices' documents, a package because one module had grown past ~400 lines: each
sub-topic is a module, and callers import from the module (this package re-exports
nothing). `texts` builds each notice as an official document (and the small formatting the
notices' services share); `links` lists an appointment's notices with their URLs."""
