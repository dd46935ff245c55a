"""`kiosk import attendees`, `kiosk export attendees`, `kiosk demo` (placeholder until written)."""
