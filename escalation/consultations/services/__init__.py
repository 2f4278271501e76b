"""The consultation services, a package because one module had grown past ~400 lines: each
sub-topic is a module, and callers import from the module (this package re-exports
nothing). `meetings` records a level's meeting and the tasks it gives; `followup`
escalates a consultation to the next level and marks its tasks done."""
