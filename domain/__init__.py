"""The task pool's rules: tasks, title reservations and users, as aggregates."""
