"""The practice account's console pages (labs/console.py)."""

urlpatterns: list = []
