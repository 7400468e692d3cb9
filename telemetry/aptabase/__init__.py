"""The Aptabase side: sign-in, the HTTP client, the day-by-day export and its checks."""
