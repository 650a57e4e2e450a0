"""Names of the auth groups the application relies on."""

TRAINEES = "Trainees"
INSTRUCTORS = "Instructors"
