"""Pure-Python models and rules of the event day: no SQL, no Textual."""
