"""The demo petitions and what the units did with them: planned as plain data, registered and
handled through the petition and case services (see `demo.seed`)."""
