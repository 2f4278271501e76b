"""Every write of the reception app: one module per part (schedules, appointments, notices,
records, visits), one function per use case (DESIGN §4)."""
