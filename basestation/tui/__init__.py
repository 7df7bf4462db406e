"""The Textual dashboard for the instructor and the TA."""
