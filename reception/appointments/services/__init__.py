"""The appointment services, a package because one module had grown past ~400 lines: each
sub-topic is a module, and callers import from the module (this package re-exports
nothing). `booking` books a case into a reception day (and holds the helpers the others
share); `changes` cancels or moves a booked appointment; `opinions` the attending units'
preliminary opinions."""
