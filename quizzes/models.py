"""Quizzes, policy exercises and workshops: models arrive with their issues."""
