"""File formats in and out: CSV rosters and exports, demo data, schedules, calendars, badges."""
